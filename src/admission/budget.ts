// One time budget per admission request for all registry work, ending before the API server's webhook timeout
// so the configured failure mode (not the API server's failurePolicy) decides what happens.
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

export function startBudget(budgetMs: number): Budget {
  const controller = new AbortController();
  const error = new BudgetExceededError(budgetMs);
  // Not unref'd: a request waiting on a hung registry must still end at the deadline.
  const timer = setTimeout(() => controller.abort(error), budgetMs);
  const expired = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(error), { once: true });
  });
  expired.catch(() => undefined);
  return {
    budgetMs,
    signal: controller.signal,
    run: (work) =>
      controller.signal.aborted ? Promise.reject(error) : Promise.race([work(controller.signal), expired]),
    dispose: () => clearTimeout(timer),
  };
}
