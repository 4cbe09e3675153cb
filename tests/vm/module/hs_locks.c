// SPDX-License-Identifier: GPL-2.0
/*
 * hs_locks: a module-owned mutex and rw-semaphore for hangscope's VM tests (issue 7, scenario 2).
 *
 * debugfs hs_locks/hold_mutex, hold_rwsem: writing takes the lock (mutex_lock / down_write) and
 * returns to user space still holding it: the writer task is the owner until it exits (never).
 * debugfs hs_locks/mutex, rwsem: reading waits for the lock (mutex_lock / down_read, D state).
 * Each acquisition prints the lock's address and the holder's pid to the kernel log.
 * Never load this on a machine you care about: it exists only for tests/vm/.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>

static DEFINE_MUTEX(hs_mutex);
static DECLARE_RWSEM(hs_rwsem);
static struct dentry *hs_dir;

static ssize_t hold_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
	if (f->private_data) {
		down_write(&hs_rwsem);
		pr_info("hs_locks: pid %d holds hs_rwsem at %px for write\n", task_pid_nr(current), &hs_rwsem);
	} else {
		mutex_lock(&hs_mutex);
		pr_info("hs_locks: pid %d holds hs_mutex at %px\n", task_pid_nr(current), &hs_mutex);
	}
	return n;
}

static ssize_t wait_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
	if (f->private_data) {
		down_read(&hs_rwsem);
		up_read(&hs_rwsem);
	} else {
		mutex_lock(&hs_mutex);
		mutex_unlock(&hs_mutex);
	}
	return 0;
}

static const struct file_operations hold_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hold_write,
};

static const struct file_operations wait_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = wait_read,
};

static int __init hs_locks_init(void)
{
	hs_dir = debugfs_create_dir("hs_locks", NULL);
	debugfs_create_file("hold_mutex", 0200, hs_dir, NULL, &hold_fops);
	debugfs_create_file("hold_rwsem", 0200, hs_dir, (void *)1, &hold_fops);
	debugfs_create_file("mutex", 0400, hs_dir, NULL, &wait_fops);
	debugfs_create_file("rwsem", 0400, hs_dir, (void *)1, &wait_fops);
	return 0;
}

static void __exit hs_locks_exit(void)
{
	debugfs_remove_recursive(hs_dir);
}

module_init(hs_locks_init);
module_exit(hs_locks_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hangscope VM test: a module mutex and rwsem held from user space");
