// hangfs: placeholder; the FUSE daemon for the demo and fixtures lands with the live fixtures.
#define FUSE_USE_VERSION 35
#include <fuse3/fuse_lowlevel.h>
#include <cstdio>
int main() { std::fprintf(stderr, "hangfs: not implemented yet\n"); return 2; }
