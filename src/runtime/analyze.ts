import type { AuditEvent } from '../checks/runtime/event.js';
import type { Detector, RuntimeAlert } from '../checks/runtime/detector.js';
import { readEventFile, DEFAULT_READ_LIMITS } from './read-events.js';
import type { ReadLimits, SkipCounter } from './read-events.js';

export interface AnalyzeResult {
  alerts: RuntimeAlert[];
  events: number;
  skipped: number;
  /** The first few skipped records with their file and line. */
  skippedSamples: string[];
}

/**
 * Run every event of the files, in order, through one detector: one alert per matching event and rule, before
 * any notification deduplication. Threshold windows span files, as they would for one rotated log.
 */
export async function analyzeFiles(
  paths: readonly string[],
  detector: Detector,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<AnalyzeResult> {
  const alerts: RuntimeAlert[] = [];
  const counter: SkipCounter = { skipped: 0, samples: [] };
  let events = 0;
  const onEvent = (event: AuditEvent): void => {
    events++;
    const found = detector.evaluate(event);
    for (const alert of found) alerts.push(alert);
  };
  for (const path of paths) await readEventFile(path, onEvent, counter, limits);
  return { alerts, events, skipped: counter.skipped, skippedSamples: counter.samples };
}
