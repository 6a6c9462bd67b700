/** RFC 3161 timestamping of signatures: requesting tokens from a TSA and trusting them at verification. */
export { requestTimestamp, type TimestampClientOptions } from './client.js';
export {
  parseTimestampToken,
  parseTimestampResponse,
  timestampRequest,
  type TimestampHash,
  type TimestampToken,
} from './token.js';
export {
  verifyTimestampToken,
  chainValidThroughout,
  TimestampError,
  type TrustedTimestamp,
} from './verify.js';
