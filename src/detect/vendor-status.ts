/**
 * Vendor status of one match. `fixed` needs a fix version above the installed one. `will-not-fix` needs the
 * distribution to say so in the data: Debian's tracker marks minor issues `unimportant` (and the converter
 * copies that into `ecosystem_specific.urgency`); some feeds carry a status word (`ignored`, `no-dsa`,
 * `postponed`, `end-of-life`). A range that is open upwards is `not-fixed`. A match found only through the
 * `versions` list, with no range to say whether a fix exists, is `unknown`.
 */
import type { AffectedVerdict } from '../vulndb/affected.js';
import type { OsvAffected } from '../vulndb/osv.js';
import type { VendorStatus } from './model.js';

const WILL_NOT_FIX_URGENCY = new Set(['unimportant', 'end-of-life']);
const WILL_NOT_FIX_STATUS = new Set([
  'ignored',
  'no-dsa',
  'postponed',
  'end-of-life',
  'will-not-fix',
  'wont-fix',
]);

export function vendorStatusOf(
  affected: OsvAffected,
  verdict: AffectedVerdict,
): { status: VendorStatus; reason?: string } {
  if (verdict.fixedIn.length > 0) return { status: 'fixed' };
  const specific = affected.ecosystem_specific ?? {};
  const urgency = specific['urgency'];
  if (typeof urgency === 'string' && WILL_NOT_FIX_URGENCY.has(urgency.trim().toLowerCase())) {
    return { status: 'will-not-fix', reason: `urgency: ${urgency}` };
  }
  for (const key of ['nodsa', 'no-dsa']) {
    const value = specific[key];
    if (value === true || (typeof value === 'string' && value !== '')) {
      return { status: 'will-not-fix', reason: typeof value === 'string' ? `no-dsa: ${value}` : 'no-dsa' };
    }
  }
  const status = specific['status'];
  if (typeof status === 'string' && WILL_NOT_FIX_STATUS.has(status.trim().toLowerCase())) {
    return { status: 'will-not-fix', reason: `status: ${status}` };
  }
  if (verdict.via === 'versions') return { status: 'unknown', reason: 'listed in versions, no range data' };
  if (verdict.lastAffected !== undefined)
    return { status: 'not-fixed', reason: `last affected ${verdict.lastAffected}` };
  return { status: 'not-fixed' };
}
