// SPDX-License-Identifier: GPL-2.0
/*
 * leak_s_umount: reproduces the seed case's mechanism inside a disposable VM.
 *
 * On load it looks up the file system mounted at `path` (default /mnt/leak),
 * takes that super_block's s_umount for write, and then dereferences NULL.
 * The Oops kills insmod while it holds the lock: nothing ever releases it, so
 * any later sync(2) blocks forever in iterate_supers -> down_read(&sb->s_umount).
 *
 * Never load this on a machine you care about: it exists only for tests/vm/.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/path.h>

static char *path = "/mnt/leak";
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "mount point whose super_block's s_umount is leaked");

static int __init leak_s_umount_init(void)
{
	struct path p;
	struct super_block *sb;
	int *volatile null_ptr = NULL;
	int err;

	err = kern_path(path, LOOKUP_FOLLOW, &p);
	if (err) {
		pr_err("leak_s_umount: kern_path(%s) failed: %d\n", path, err);
		return err;
	}
	sb = p.dentry->d_sb;
	path_put(&p);

	down_write(&sb->s_umount);
	pr_info("leak_s_umount: holding s_umount of %s (%s) at %px for write; pid %d oopses now\n",
		sb->s_id, sb->s_type->name, &sb->s_umount, task_pid_nr(current));

	/* The Oops: the task dies here with the rw-semaphore held for write. */
	return *null_ptr;
}

static void __exit leak_s_umount_exit(void)
{
}

module_init(leak_s_umount_init);
module_exit(leak_s_umount_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hangscope VM test: leak a super_block's s_umount through an Oops");
