// SPDX-License-Identifier: GPL-2.0
/*
 * veer: /proc/net/veer/ of each namespace.
 *
 * stats: one "name value" line per counter, the names of enum veer_stat.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "veer.h"

static int veer_stats_show(struct seq_file *seq, void *v)
{
	struct veer_net *vn = veer_pernet(seq_file_single_net(seq));
	int i;

	for (i = VEER_STAT_UNSPEC + 1; i < __VEER_STAT_MAX; i++) {
		if (!veer_stat_names[i])
			continue;
		seq_printf(seq, "%-16s %llu\n", veer_stat_names[i],
			   veer_counter_sum(vn, i));
	}
	return 0;
}

int veer_proc_init(struct veer_net *vn)
{
	vn->proc_dir = proc_net_mkdir(vn->net, "veer", vn->net->proc_net);
	if (!vn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, vn->proc_dir,
				    veer_stats_show, NULL)) {
		remove_proc_subtree("veer", vn->net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void veer_proc_exit(struct veer_net *vn)
{
	remove_proc_subtree("veer", vn->net->proc_net);
}
