// Next resolves `server-only` to an empty module on the server; a script run by node needs the same. Modules
// that start with `import 'server-only'` must be imported (dynamically) after this one has run.
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return { url: 'data:text/javascript,export{}', shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
