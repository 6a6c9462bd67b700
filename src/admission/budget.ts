// One time budget per admission request for all registry work, ending before the API server's webhook timeout
// so the configured failure mode (not the API server's failurePolicy) decides what happens.
import { performance } from 'node:perf_hooks';
import { BaseError } from '../core/errors.js';

export class BudgetExceededError extends BaseError<'BUDGET'> {
  constructor(budgetMs: number) {
    super('BUDGET', `registry time budget of ${budgetMs} ms exhausted`);
  }
}

export interface Budget {
  readonly budgetMs: number;
  readonly signal: AbortSignal;
  /** Run `work`; reject with BudgetExceededError at the deadline even if `work` ignores the signal. */
  run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  dispose(): void;
}

/**
 * The deadline is fixed now; the timer, abort controller and error are made at the first `run` (or `signal`
 * read). A warm webhook answers most reviews from its caches without any registry work, and then pays for
 * none of them: no timer per request, no error with a captured stack per request for the GC to sweep.
 */
export function startBudget(budgetMs: number, now: () => number = () => performance.now()): Budget {
  const deadline = now() + budgetMs;
  let armed: { controller: AbortController; error: BudgetExceededError; expired: Promise<never> } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  const arm = () => {
    if (armed) return armed;
    const controller = new AbortController();
    const error = new BudgetExceededError(budgetMs);
    const expired = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(error), { once: true });
    });
    expired.catch(() => undefined);
    armed = { controller, error, expired };
    const remaining = deadline - now();
    if (remaining <= 0) controller.abort(error);
    // Not unref'd: a request waiting on a hung registry must still end at the deadline.
    else if (!disposed) timer = setTimeout(() => controller.abort(error), remaining);
    return armed;
  };
  return {
    budgetMs,
    get signal() {
      return arm().controller.signal;
    },
    run: (work) => {
      const { controller, error, expired } = arm();
      return controller.signal.aborted
        ? Promise.reject(error)
        : Promise.race([work(controller.signal), expired]);
    },
    dispose: () => {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
