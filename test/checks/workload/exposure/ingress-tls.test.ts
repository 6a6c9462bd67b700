import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHostCovered, tlsCovers } from '../../../../src/checks/workload/exposure/ingress-tls.js';

const cases = [
  { tls: 'shop.example.com', host: 'shop.example.com', covered: true },
  { tls: 'shop.example.com', host: 'SHOP.example.com', covered: true },
  { tls: '*.example.com', host: 'shop.example.com', covered: true },
  { tls: '*.example.com', host: 'a.b.example.com', covered: false },
  { tls: '*.example.com', host: 'example.com', covered: false },
  { tls: '*.example.com', host: '*.example.com', covered: true },
  { tls: '*.example.com', host: 'shopexample.com', covered: false },
  { tls: 'example.com', host: 'shop.example.com', covered: false },
] satisfies { tls: string; host: string; covered: boolean }[];

describe('tlsCovers', () => {
  for (const { tls, host, covered } of cases) {
    it(`${tls} ${covered ? 'covers' : 'does not cover'} ${host}`, () =>
      assert.equal(tlsCovers(tls, host), covered));
  }
});

describe('isHostCovered', () => {
  it('lets a tls entry without hosts cover every host, including host-less rules', () => {
    assert.equal(isHostCovered(undefined, ['all']), true);
    assert.equal(isHostCovered('shop.example.com', ['all']), true);
  });

  it('does not let a host list cover a host-less rule', () => {
    assert.equal(isHostCovered(undefined, [['shop.example.com']]), false);
  });
});
