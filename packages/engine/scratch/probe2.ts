import fs from 'node:fs';
import vader from 'vader-sentiment';
import { textAnalyser } from '../src/support/text/index.js';
const rows = fs.readFileSync('test/fixtures/support-sentiment.tsv','utf8').trim().split('\n').slice(1).map(l=>l.split('\t')).map(([language,label,text])=>({language,label,text}));
const a = await textAnalyser();
const lab = (s: number) => s>=0.05?'positive':s<=-0.05?'negative':'neutral';
function metrics(pairs: string[][]){ const cls=['negative','neutral','positive']; const f1: Record<string,number>={}; for(const c of cls){const tp=pairs.filter(([g,p])=>g===c&&p===c).length, fp=pairs.filter(([g,p])=>g!==c&&p===c).length, fn=pairs.filter(([g,p])=>g===c&&p!==c).length; const pr=tp+fp?tp/(tp+fp):0, rc=tp+fn?tp/(tp+fn):0; f1[c]=pr+rc?2*pr*rc/(pr+rc):0;} return {n: pairs.length, acc:pairs.filter(([g,p])=>g===p).length/pairs.length, macro:(f1.negative!+f1.neutral!+f1.positive!)/3, neg:f1.negative}; }
for (const lang of ['en','de','fr','es','it','pt','nl']) {
const en = rows.filter(r=>r.language===lang);
console.log(lang, 'vader', JSON.stringify(metrics(en.map(r=>[r.label!, lab(vader.SentimentIntensityAnalyzer.polarity_scores(r.text!).compound)]))));
console.log(lang, 'new', JSON.stringify(metrics(en.map(r=>[r.label!, a(r.text!).sentiment?.label ?? 'neutral']))));
for (const r of en) { const s = a(r.text!); if ((s.sentiment?.label ?? 'neutral')!==r.label) console.log('  ', r.label, s.sentiment?.label, s.sentiment?.score, s.language, r.text); }
}
