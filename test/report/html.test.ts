import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { formatHtml } from '../../src/report/html.js';
import { HOSTILE_NAME, HOSTILE_TITLE, emptyReport, sampleReport } from './sample-report.js';

const page = formatHtml(sampleReport());

function escaped(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function inline(tag: 'script' | 'style'): string[] {
  return [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

function hash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

test('markup in titles, object names and details is escaped, never interpreted', () => {
  assert.equal((page.match(/<script/gi) ?? []).length, 1, 'only our own script element');
  assert.equal(/<img/i.test(page), false);
  assert.equal(page.includes('<b>bold</b>'), false);
  assert.ok(page.includes(escaped(HOSTILE_TITLE)));
  assert.ok(page.includes(escaped(HOSTILE_NAME)));
  assert.ok(page.includes('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;'));
});

test('no tag carries an event handler, a src, or a non-web link', () => {
  const tags = [...page.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)].map((m) => m[0]);
  for (const tag of tags) {
    assert.equal(/\son[a-z]+\s*=/i.test(tag), false, tag);
    assert.equal(/\ssrc\s*=/i.test(tag), false, tag);
    const href = /\shref="([^"]*)"/.exec(tag)?.[1];
    if (href !== undefined) assert.match(href, /^https?:\/\//, tag);
  }
  assert.equal(page.includes('href="javascript:'), false);
  assert.ok(page.includes('<li>javascript:alert(2)</li>'), 'a non-web reference is shown as text');
});

test('the page is self-contained and its CSP allows exactly its own script and style', () => {
  assert.equal(/<link\b|@import|url\(/i.test(page), false, 'no external stylesheets, fonts or images');
  const scripts = inline('script');
  const styles = inline('style');
  assert.equal(scripts.length, 1);
  assert.equal(styles.length, 1);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/
    .exec(page)?.[1]
    ?.replace(/&#39;/g, "'");
  assert.ok(csp);
  assert.ok(csp.includes("default-src 'none'"));
  assert.ok(csp.includes(`script-src ${hash(scripts[0] ?? '')}`));
  assert.ok(csp.includes(`style-src ${hash(styles[0] ?? '')}`));
});

test('rows carry filter data and charts show every severity and namespace', () => {
  const rows = [...page.matchAll(/<tr data-severity="([a-z]+)" data-namespace="([^"]*)">/g)];
  assert.equal(rows.length, sampleReport().findings.length);
  assert.deepEqual([...new Set(rows.map((r) => r[2]))].sort(), [
    '(cluster-scoped)',
    'kube-system',
    'payments',
    'tenant-a',
    'web',
  ]);
  for (const ns of ['payments', 'kube-system', 'web', 'tenant-a', '(cluster-scoped)']) {
    assert.ok(page.includes(`<option value="${ns}">${ns}</option>`), ns);
  }
  assert.equal((page.match(/<svg /g) ?? []).length, 2);
  for (const s of ['critical', 'high', 'medium', 'low', 'info'])
    assert.ok(page.includes(`class="fill-${s}"`), s);
});

test('an empty report still renders a complete page', () => {
  const empty = formatHtml(emptyReport());
  assert.ok(empty.includes('<p id="empty">No findings to show.</p>'));
  assert.ok(empty.trimEnd().endsWith('</html>'));
});

/** Just enough DOM for the inline filter script: rows with attributes and text, a form with its controls. */
function runFilterScript(html: string): {
  set(filters: { hidden?: string[]; namespace?: string; q?: string }): void;
  visible(): string[];
  shown(): string;
} {
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const rows = [
    ...html.matchAll(/<tr data-severity="([^"]*)" data-namespace="([^"]*)">([\s\S]*?)<\/tr>/g),
  ].map((m) => ({
    attrs: { 'data-severity': m[1] ?? '', 'data-namespace': m[2] ?? '' } as Record<string, string>,
    textContent: (m[3] ?? '').replace(/<[^>]*>/g, ' '),
    hidden: false,
    getAttribute(name: string): string | null {
      return this.attrs[name] ?? null;
    },
  }));
  const boxes = ['critical', 'high', 'medium', 'low', 'info'].map((value) => ({ value, checked: true }));
  const handlers: Record<string, () => void> = {};
  const form = {
    elements: { namespace: { value: '' }, q: { value: '' } },
    querySelectorAll: () => boxes,
    addEventListener: (type: string, fn: () => void) => {
      handlers[type] = fn;
    },
  };
  const shown = { textContent: '' };
  const empty = { hidden: false };
  const document = {
    getElementById: (id: string) => ({ filters: form, shown, empty })[id],
    querySelectorAll: () => rows,
  };
  new Function('document', script)(document);
  return {
    set(filters) {
      for (const box of boxes) box.checked = !(filters.hidden ?? []).includes(box.value);
      form.elements.namespace.value = filters.namespace ?? '';
      form.elements.q.value = filters.q ?? '';
      handlers['input']?.();
    },
    visible: () =>
      rows.filter((r) => !r.hidden).map((r) => `${r.attrs['data-severity']}/${r.attrs['data-namespace']}`),
    shown: () => shown.textContent,
  };
}

test('the inline script filters rows by severity, namespace and text', () => {
  const ui = runFilterScript(page);
  assert.equal(ui.shown(), 'Showing 8 of 8');
  ui.set({ namespace: 'web' });
  assert.deepEqual(ui.visible(), ['high/web', 'low/web', 'info/web']);
  ui.set({ namespace: 'web', hidden: ['info', 'low'] });
  assert.deepEqual(ui.visible(), ['high/web']);
  ui.set({ q: 'NGINX' });
  assert.deepEqual(ui.visible(), ['low/web', 'info/web']);
  ui.set({ namespace: '(cluster-scoped)' });
  assert.deepEqual(ui.visible(), ['high/(cluster-scoped)']);
  ui.set({ q: 'no such thing' });
  assert.equal(ui.shown(), 'Showing 0 of 8');
});
