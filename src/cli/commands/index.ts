import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { register as scan } from './scan.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** The one list of top-level commands, in help order. */
export const COMMANDS: readonly RegisterCommand[] = [scan];
