/* The timers of platform/iot_clock.h from C: an unarmed timer never fires, a one-shot fires
 * once, re-arming moves the expiry, a periodic timer fires until destroyed, a routine in
 * progress has returned when TimerDestroy returns and no routine runs after it, a routine may
 * re-arm or destroy its own timer, and bad timers are refused. */

#include <stdatomic.h>
#include <string.h>

#include "platform/iot_clock.h"
#include "platform/iot_threads.h"
#include "test_support.h"

typedef struct {
    IotTimer_t timer;
    IotSemaphore_t fired;   /* posted after each run */
    IotSemaphore_t entered; /* posted when a run starts */
    atomic_int runs;
    atomic_int inside;
    atomic_int most_inside;
    uint32_t holdMs;   /* how long each run takes */
    int rearmRuns;     /* re-arm itself during its first runs */
    bool destroySelf;  /* destroy its own timer on its first run */
} probe_t;

static void probe_routine(void *argument) {
    probe_t *p = (probe_t *)argument;
    int now = atomic_fetch_add(&p->inside, 1) + 1;
    int run;
    if (now > atomic_load(&p->most_inside)) {
        atomic_store(&p->most_inside, now);
    }
    IotSemaphore_Post(&p->entered);
    if (p->holdMs > 0) {
        IotClock_SleepMs(p->holdMs);
    }
    run = atomic_fetch_add(&p->runs, 1) + 1;
    if (run <= p->rearmRuns) {
        CHECK(IotClock_TimerArm(&p->timer, 5, 0));
    }
    if (p->destroySelf && run == 1) {
        IotClock_TimerDestroy(&p->timer);
    }
    atomic_fetch_sub(&p->inside, 1);
    IotSemaphore_Post(&p->fired);
}

static void probe_init(probe_t *p) {
    memset(p, 0, sizeof(*p));
    CHECK(IotSemaphore_Create(&p->fired, 0, 1000));
    CHECK(IotSemaphore_Create(&p->entered, 0, 1000));
    CHECK(IotClock_TimerCreate(&p->timer, probe_routine, p));
}

static void probe_destroy(probe_t *p) {
    IotClock_TimerDestroy(&p->timer);
    IotSemaphore_Destroy(&p->fired);
    IotSemaphore_Destroy(&p->entered);
}

/* The number of runs stays `want` for a while (nothing more is coming). */
static void check_runs_stay(probe_t *p, int want) {
    IotClock_SleepMs(150);
    CHECK_EQ(atomic_load(&p->runs), want);
}

static void one_shots_fire_once_and_re_arming_moves_them(void) {
    probe_t p;
    uint64_t armed;

    ts_context("one-shot");
    probe_init(&p);
    CHECK(p.timer.pArgument == &p);
    CHECK(p.timer.threadRoutine == probe_routine);
    check_runs_stay(&p, 0); /* unarmed */

    armed = IotClock_GetTimeMs();
    CHECK(IotClock_TimerArm(&p.timer, 40, 0));
    CHECK(IotSemaphore_TimedWait(&p.fired, TS_SOON_MS));
    CHECK(IotClock_GetTimeMs() - armed >= 40);
    check_runs_stay(&p, 1);

    ts_context("re-arm");
    CHECK(IotClock_TimerArm(&p.timer, 600000, 0));
    CHECK(IotClock_TimerArm(&p.timer, 10, 0)); /* replaces the ten minutes */
    CHECK(IotSemaphore_TimedWait(&p.fired, TS_SOON_MS));
    CHECK(IotClock_TimerArm(&p.timer, 0, 0)); /* at once */
    CHECK(IotSemaphore_TimedWait(&p.fired, TS_SOON_MS));
    check_runs_stay(&p, 3);
    probe_destroy(&p);
}

static void periodic_timers_fire_until_destroyed_and_never_after(void) {
    probe_t p;
    int i, at_destroy;

    ts_context("periodic");
    probe_init(&p);
    CHECK(IotClock_TimerArm(&p.timer, 1, 5));
    for (i = 0; i < 10; i++) {
        CHECK(IotSemaphore_TimedWait(&p.fired, TS_SOON_MS));
    }
    IotClock_TimerDestroy(&p.timer);
    at_destroy = atomic_load(&p.runs);
    CHECK(at_destroy >= 10);
    CHECK_EQ(atomic_load(&p.inside), 0);
    check_runs_stay(&p, at_destroy);
    /* Destroyed: arming is refused, destroying again does nothing. */
    CHECK(!IotClock_TimerArm(&p.timer, 0, 0));
    IotClock_TimerDestroy(&p.timer);
    IotSemaphore_Destroy(&p.fired);
    IotSemaphore_Destroy(&p.entered);
}

static void destroy_waits_for_a_routine_in_progress_and_runs_never_overlap(void) {
    probe_t p;

    ts_context("destroy during a run");
    probe_init(&p);
    p.holdMs = 100;
    /* A 1 ms period under a 100 ms routine: expiries wait instead of overlapping. */
    CHECK(IotClock_TimerArm(&p.timer, 0, 1));
    CHECK(IotSemaphore_TimedWait(&p.entered, TS_SOON_MS));
    CHECK(IotSemaphore_TimedWait(&p.entered, TS_SOON_MS));
    IotClock_TimerDestroy(&p.timer);
    CHECK_EQ(atomic_load(&p.inside), 0);
    CHECK_EQ(atomic_load(&p.most_inside), 1);
    check_runs_stay(&p, atomic_load(&p.runs));
    IotSemaphore_Destroy(&p.fired);
    IotSemaphore_Destroy(&p.entered);
}

static void routines_may_re_arm_or_destroy_their_own_timer(void) {
    probe_t p;

    ts_context("re-arm from the routine");
    probe_init(&p);
    p.rearmRuns = 2;
    CHECK(IotClock_TimerArm(&p.timer, 0, 0));
    CHECK(IotSemaphore_TimedWait(&p.fired, TS_SOON_MS));
    CHECK(IotSemaphore_TimedWait(&p.fired, TS_SOON_MS));
    CHECK(IotSemaphore_TimedWait(&p.fired, TS_SOON_MS));
    check_runs_stay(&p, 3);
    probe_destroy(&p);

    ts_context("destroy from the routine");
    probe_init(&p);
    p.destroySelf = true;
    CHECK(IotClock_TimerArm(&p.timer, 0, 2));
    CHECK(IotSemaphore_TimedWait(&p.fired, TS_SOON_MS));
    check_runs_stay(&p, 1);
    CHECK(!IotClock_TimerArm(&p.timer, 0, 0));
    IotSemaphore_Destroy(&p.fired);
    IotSemaphore_Destroy(&p.entered);
}

static void many_timers_each_fire_once(void) {
    enum { COUNT = 40 };
    static probe_t probes[COUNT];
    int i;

    ts_context("many timers");
    for (i = 0; i < COUNT; i++) {
        probe_init(&probes[i]);
        CHECK(IotClock_TimerArm(&probes[i].timer, (uint32_t)(COUNT - i), 0));
    }
    for (i = 0; i < COUNT; i++) {
        CHECK(IotSemaphore_TimedWait(&probes[i].fired, TS_SOON_MS));
    }
    for (i = 0; i < COUNT; i++) {
        CHECK_EQ(atomic_load(&probes[i].runs), 1);
        probe_destroy(&probes[i]);
    }
}

static void bad_timers_are_refused(void) {
    IotTimer_t never_created;

    ts_context("bad timers");
    memset(&never_created, 0, sizeof(never_created));
    CHECK(!IotClock_TimerArm(&never_created, 1, 1));
    IotClock_TimerDestroy(&never_created);
    CHECK(!IotClock_TimerArm(NULL, 1, 1));
    IotClock_TimerDestroy(NULL);
    CHECK(!IotClock_TimerCreate(NULL, probe_routine, NULL));
    CHECK(!IotClock_TimerCreate(&never_created, NULL, NULL));
}

int main(void) {
    one_shots_fire_once_and_re_arming_moves_them();
    periodic_timers_fire_until_destroyed_and_never_after();
    destroy_waits_for_a_routine_in_progress_and_runs_never_overlap();
    routines_may_re_arm_or_destroy_their_own_timer();
    many_timers_each_fire_once();
    bad_timers_are_refused();
    puts("platform timers: all checks passed");
    return 0;
}
