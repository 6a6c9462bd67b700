export * from './severity.js';
export * from './errors.js';
export * from './registry.js';
export * from './clock.js';
export * from './finding.js';
export * from './report.js';
export * from './glob.js';
export * from './limits.js';
