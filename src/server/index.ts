export type { WebhookApp, WebhookAppOptions } from './webhook-app.js';
export { parseListen, startWebhookApp } from './webhook-app.js';
export type { WebhookServer, WebhookServerOptions } from './webhook-server.js';
export { startWebhookServer } from './webhook-server.js';
export type { WebhookMetrics } from './metrics.js';
export { createWebhookMetrics } from './metrics.js';
export { createNamespaceApiLookup } from './namespace-api.js';
export { createRegistryResolver, parseChallenge } from './registry-resolver.js';
export type { TlsPair, TlsFiles } from './tls-reloader.js';
