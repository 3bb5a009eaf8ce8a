export { mrrChangeAt, mrrChangeDays, registerMrrChangeField, type MrrPoint } from './mrr-change.js';
export {
  checkLifecycleStages,
  defaultLifecycleStageRules,
  lifecycleSegmentKey,
  lifecycleSegmentRule,
  lifecycleStages,
  registerLifecycleStageField,
  type LifecycleStage,
  type LifecycleStageIssue,
  type LifecycleStageRule,
} from './lifecycle-stages.js';
