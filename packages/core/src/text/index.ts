export { rankBm25, type Bm25Match, type Bm25Options } from './bm25.js';
export { classificationQuality, type ClassificationQuality } from './classification-metrics.js';
export { crossValidate } from './cross-validate.js';
export { naiveBayesProbabilities, trainNaiveBayes, type LabelledFeatures, type NaiveBayesModel } from './naive-bayes.js';
export { textFeatures } from './text-features.js';
export {
  blendedSentiment,
  labelOfScore,
  minimumPerSentimentLabel,
  minimumSentimentLabels,
  trainSentimentModel,
  type SentimentExample,
  type SentimentTraining,
} from './sentiment-model.js';
export {
  builtInTopicRules,
  checkTopicRules,
  matchTopics,
  mergeTicketTopics,
  topicNamePattern,
  type TopicRule,
  type TopicRuleIssue,
} from './ticket-topics.js';
export { classifiedTopic, trainTopicModel, type TopicExample, type TopicTraining } from './topic-model.js';
