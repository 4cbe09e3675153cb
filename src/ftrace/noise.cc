#include "ftrace/noise.h"

namespace hangscope::ftrace {

NoiseFilter NoiseFilter::defaults() {
  NoiseFilter f;
  for (const char* p :
       {// rescheduling points (kernel/sched/core.c)
        "_cond_resched", "__cond_resched", "cond_resched", "__cond_resched_lock",
        "__cond_resched_rwlock_read", "__cond_resched_rwlock_write", "rcu_all_qs", "__might_sleep",
        "__might_resched", "__might_fault", "might_fault",
        // spinlocks and rwlocks (kernel/locking/spinlock.c), preempt and RCU markers
        "_raw_spin_*", "_raw_read_*", "_raw_write_*", "raw_spin_rq_*", "do_raw_spin_*",
        "preempt_count_add", "preempt_count_sub", "__rcu_read_lock", "__rcu_read_unlock",
        "rcu_read_lock_*", "lock_acquire", "lock_release", "lock_is_held_type",
        // interrupt, softirq and IPI entry
        "asm_sysvec_*", "sysvec_*", "__sysvec_*", "asm_common_interrupt", "common_interrupt",
        "do_IRQ", "smp_apic_timer_interrupt", "smp_reschedule_interrupt", "irq_enter*", "irq_exit*",
        "__irq_exit_rcu", "__do_softirq", "handle_softirqs", "do_softirq*", "irqentry_*",
        "rcu_irq_enter*", "rcu_irq_exit*"}) {
    f.add(p);
  }
  return f;
}

void NoiseFilter::add(std::string pattern) {
  if (!pattern.empty()) patterns_.push_back(std::move(pattern));
}

bool NoiseFilter::match(std::string_view func) const {
  func = canonical_function(func);
  for (const auto& p : patterns_) {
    std::string_view pv = p;
    if (pv.size() >= 2 && pv.front() == '*' && pv.back() == '*') {
      if (func.find(pv.substr(1, pv.size() - 2)) != std::string_view::npos) return true;
    } else if (pv.back() == '*') {
      if (func.starts_with(pv.substr(0, pv.size() - 1))) return true;
    } else if (pv.front() == '*') {
      if (func.ends_with(pv.substr(1))) return true;
    } else if (pv.find('*') != std::string_view::npos) {
      size_t star = pv.find('*');
      if (func.size() >= pv.size() - 1 && func.starts_with(pv.substr(0, star)) &&
          func.ends_with(pv.substr(star + 1)))
        return true;
    } else if (func == pv) {
      return true;
    }
  }
  return false;
}

std::string_view canonical_function(std::string_view func) {
  if (func.starts_with("0x")) return "<addr>";
  size_t plus = func.find('+');  // "func+0x12/0x40"
  if (plus != std::string_view::npos && plus > 0) func = func.substr(0, plus);
  size_t dot = func.find('.');  // .isra.0 .constprop.1 .part.0 .cold .llvm.123
  if (dot != std::string_view::npos && dot > 0) func = func.substr(0, dot);
  return func;
}

}  // namespace hangscope::ftrace
