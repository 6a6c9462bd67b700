import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BudgetExceededError, startBudget } from '../../src/admission/budget.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('a budget that is never used arms no timer', () => {
  const before = timers();
  const budgets = Array.from({ length: 50 }, () => startBudget(1000));
  assert.equal(timers(), before);
  for (const b of budgets) b.dispose();
});

test('work over the budget is abandoned at the deadline; the timer goes with dispose', async () => {
  const before = timers();
  const budget = startBudget(40);
  const started = performance.now();
  const hung = budget.run(() => new Promise<never>(() => undefined));
  assert.equal(timers(), before + 1, 'armed by the first run');
  await assert.rejects(hung, (e: unknown) => e instanceof BudgetExceededError && e.code === 'BUDGET');
  assert.ok(performance.now() - started >= 35, 'not before the deadline');
  assert.equal(budget.signal.aborted, true);
  const quick = startBudget(1000);
  assert.equal(await quick.run(async () => 'answer'), 'answer');
  quick.dispose();
  assert.equal(timers(), before);
});

test('the deadline counts from the start of the request, not from the first registry call', async () => {
  const budget = startBudget(30);
  await sleep(45);
  let called = false;
  await assert.rejects(
    budget.run(async () => {
      called = true;
      return 'late';
    }),
    BudgetExceededError,
  );
  assert.equal(called, false, 'no registry call once the budget is spent');
  budget.dispose();
});
