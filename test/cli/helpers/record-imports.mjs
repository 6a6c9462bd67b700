// Preload for tests: records every module URL the process resolves into $KUBEWARD_IMPORT_LOG.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      import { appendFileSync } from 'node:fs';
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        appendFileSync(process.env.KUBEWARD_IMPORT_LOG, result.url + '\\n');
        return result;
      }
    `),
);
