// Records a Chromium trace of one page over the DevTools protocol and reads the renderer
// main thread's tasks out of it. Only the `toplevel` category (one event per task of a
// thread's run loop) and user timing marks are recorded: the detailed DevTools timeline
// categories would slow every task down, and those tasks are what is being measured.

const CATEGORIES = ['toplevel', 'blink.user_timing'];
/** One top-level task of a thread's run loop (DevTools draws it as a "Task"). */
const TASK = 'ThreadControllerImpl::RunTask';

/**
 * Starts tracing `page`; resolves to a function that stops the trace and resolves to its events.
 * @param {import('playwright-core').Page} page
 */
export async function startTrace(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => {
    for (const e of value) events.push(e);
  });
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' },
  });
  return async () => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach().catch(() => {});
    return events;
  };
}

/** The trace event of the page's `performance.mark(label)`, or undefined. */
export function markEvent(events, label) {
  return events.find((e) => e.cat === 'blink.user_timing' && e.name === label);
}

/**
 * The top-level tasks of the main thread of the renderer that made the mark `label` (so
 * the page's own renderer), in trace time (µs), sorted, nested ones left out: [{ start, end }].
 */
export function mainThreadTasks(events, label) {
  const mark = markEvent(events, label);
  if (!mark) throw new Error(`The trace has no mark ${label}.`);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === mark.pid && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('The trace has no renderer main thread.');
  const tasks = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.name === TASK && e.ph === 'X')
    .map((e) => ({ start: e.ts, end: e.ts + (e.dur ?? 0) }))
    .sort((a, b) => a.start - b.start);
  const outer = [];
  for (const t of tasks) if (!(outer.length && t.end <= outer.at(-1).end)) outer.push(t);
  return outer;
}

/** Microseconds the tasks kept the thread busy within [from, to] (parts outside are cut off). */
export function busyWithin(tasks, from, to) {
  let busy = 0;
  for (const t of tasks) busy += Math.max(0, Math.min(t.end, to) - Math.max(t.start, from));
  return busy;
}
