import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { register as scan } from './scan.js';
import { register as image } from './image.js';
import { register as fs } from './fs.js';
import { register as db } from './db.js';
import { register as registry } from './registry.js';
import { register as sign } from './sign.js';
import { register as verify } from './verify.js';
import { register as rbac } from './rbac.js';
import { register as snapshot } from './snapshot.js';
import { register as netpol } from './netpol.js';
import { register as nsg } from './nsg.js';
import { register as cluster } from './cluster.js';
import { register as secrets } from './secrets.js';
import { register as tenancy } from './tenancy.js';
import { register as webhook } from './webhook.js';
import { register as install } from './install.js';
import { register as runtime } from './runtime.js';
import { register as serve } from './serve.js';
import { register as report } from './report.js';
import { register as dashboard } from './dashboard.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** The one list of top-level commands, in help order. */
export const COMMANDS: readonly RegisterCommand[] = [
  scan,
  image,
  fs,
  db,
  registry,
  sign,
  verify,
  rbac,
  snapshot,
  netpol,
  nsg,
  cluster,
  secrets,
  tenancy,
  webhook,
  install,
  runtime,
  serve,
  report,
  dashboard,
];
