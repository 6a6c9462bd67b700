import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostPathExposure, normaliseHostPath } from '../../../src/checks/workload/host-paths.js';

const normaliseCases = [
  { path: '/etc/', expected: '/etc' },
  { path: '//etc//kubernetes/', expected: '/etc/kubernetes' },
  { path: '/var/log/../../etc', expected: '/etc' },
  { path: '/../../etc', expected: '/etc' },
  { path: '/var/run/docker.sock', expected: '/run/docker.sock' },
  { path: '/var/run', expected: '/run' },
  { path: '/var/runner', expected: '/var/runner' },
  { path: '/./tmp/.', expected: '/tmp' },
  { path: 'etc', expected: '/etc' },
  { path: '/', expected: '/' },
  { path: '///', expected: '/' },
] satisfies { path: string; expected: string }[];

describe('normaliseHostPath', () => {
  for (const { path, expected } of normaliseCases) {
    it(`normalises "${path}"`, () => assert.equal(normaliseHostPath(path), expected));
  }
});

const sensitiveCases = [
  { path: '/var/run/docker.sock', sensitive: true },
  { path: '/run/docker.sock', sensitive: true },
  { path: '/var/run/crio/crio.sock', sensitive: true },
  { path: '/run/containerd/containerd.sock', sensitive: true },
  { path: '/var/run/../run/containerd/', sensitive: true },
  { path: '/run', sensitive: true },
  { path: '/etc/kubernetes/pki', sensitive: true },
  { path: '/proc/1/ns', sensitive: true },
  { path: '/sys/fs/cgroup', sensitive: true },
  { path: '/var/lib/kubelet/pods', sensitive: true },
  { path: '/var/lib/docker/', sensitive: true },
  { path: '/var/lib', sensitive: true },
  { path: '/var', sensitive: true },
  { path: '/root/.ssh', sensitive: true },
  { path: '/', sensitive: true },
  { path: '/mnt/data/../../etc', sensitive: true },
  { path: '/mnt/data', sensitive: false },
  { path: '/etcd-backup', sensitive: false },
  { path: '/var/lib/kubelet-plugins-data', sensitive: false },
  { path: '/var/log/app', sensitive: false },
  { path: '/opt/agent', sensitive: false },
] satisfies { path: string; sensitive: boolean }[];

describe('hostPathExposure', () => {
  for (const { path, sensitive } of sensitiveCases) {
    it(`${sensitive ? 'flags' : 'allows'} "${path}"`, () =>
      assert.equal(hostPathExposure(path) !== undefined, sensitive));
  }

  it('says what a path exposes and what a parent directory contains', () => {
    assert.equal(hostPathExposure('/var/run/docker.sock'), 'exposes the Docker socket');
    assert.match(hostPathExposure('/run') ?? '', /^contains the Docker socket; the containerd socket/);
    assert.equal(hostPathExposure('/'), 'exposes the whole host filesystem');
  });
});
