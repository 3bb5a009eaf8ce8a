export {
  compareMeans,
  compareProportions,
  summarize,
  wilsonInterval,
  type Counts,
  type Interval,
  type MeanComparison,
  type ProportionComparison,
  type Sample,
} from './tests.js';
export {
  checkSampleRatio,
  meanDetectableEffect,
  proportionDetectableEffect,
  sampleRatioAlpha,
  sizePerGroupToDetect,
  type SampleRatioCheck,
} from './experiment-checks.js';
