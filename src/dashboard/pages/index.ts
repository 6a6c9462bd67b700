// The one list of dashboard pages, in navigation order.
import { createRegistry } from '../../core/registry.js';
import type { DashboardPage } from '../page.js';
import { alertsPage } from './alerts.js';
import { driftPage } from './drift.js';
import { findingsPage } from './findings.js';
import { imagesPage } from './images.js';
import { originsPage } from './origins.js';
import { patchPlanPage } from './patch-plan.js';
import { scorecardPage } from './scorecard.js';

export const PAGES = createRegistry<DashboardPage>(
  'dashboard page',
  [scorecardPage, findingsPage, imagesPage, driftPage, originsPage, alertsPage, patchPlanPage],
  (page) => page.apiName,
);
