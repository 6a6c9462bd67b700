/** `netpol verify`: every expectation answered in order, with the reason for the actual verdict. */
import { ConfigError } from '../../core/errors.js';
import type { EvaluateOptions, Evaluator } from './evaluate.js';
import type { Expectation, Expected } from './expectations.js';
import type { Protocol } from './model.js';
import { answerQuery } from './query.js';

export interface VerifyResult {
  from: string;
  to: string;
  port: number | string;
  protocol: Protocol;
  expect: Expected;
  actual: Expected;
  reason: string;
}

export function verifyExpectations(
  evaluator: Evaluator,
  expectations: readonly Expectation[],
  file: string,
  options: EvaluateOptions = {},
): VerifyResult[] {
  return expectations.map((e, index) => {
    const answer = answerQuery(evaluator, e, options);
    if (!answer.ok)
      throw new ConfigError(`${file}: expectations[${index}].${answer.field}: ${answer.message}`);
    return {
      from: e.from,
      to: e.to,
      port: e.port,
      protocol: e.protocol,
      expect: e.expect,
      actual: answer.verdict.allowed ? 'allow' : 'deny',
      reason: answer.reason,
    };
  });
}
