import { InputError } from '../../core/errors.js';
import { cvss3BaseScore } from './cvss3.js';
import { cvss4Score } from './cvss4.js';
import type { Severity } from './vector.js';
import { severityOf } from './vector.js';

export type { Severity as CvssSeverity } from './vector.js';

export interface CvssScore {
  version: '3.0' | '3.1' | '4.0';
  baseScore: number;
  severity: Severity;
}

/**
 * Scores a CVSS vector string (`CVSS:3.0/...`, `CVSS:3.1/...` or `CVSS:4.0/...`) exactly as the FIRST
 * specification for its version defines, with the qualitative severity of the score. Throws an InputError
 * naming the offending part when the vector is malformed or of another version.
 */
export function cvssScore(vector: string): CvssScore {
  const v = vector.trim();
  const version = /^CVSS:(\d+\.\d+)\//.exec(v)?.[1];
  let baseScore: number;
  if (version === '3.0' || version === '3.1') baseScore = cvss3BaseScore(v, version);
  else if (version === '4.0') baseScore = cvss4Score(v);
  else {
    const what = version === undefined ? 'no "CVSS:<version>/" prefix' : `unsupported version ${version}`;
    throw new InputError(`invalid CVSS vector ${JSON.stringify(vector)}: ${what} (supported: 3.0, 3.1, 4.0)`);
  }
  return { version, baseScore, severity: severityOf(baseScore) };
}
