import { applicationPerformance } from './application-performance';
import { errorAnalysis } from './error-analysis';
import { resourceOptimization } from './resource-optimization';
import { systemOverview } from './system-overview';
import { userExperience } from './user-experience';

/** The five dashboards, by file name. */
export const DASHBOARDS = {
  'system-overview': systemOverview,
  'application-performance': applicationPerformance,
  'error-analysis': errorAnalysis,
  'resource-optimization': resourceOptimization,
  'user-experience': userExperience,
} as const;
