/**
 * Sizes of generated companies. `eventsPerPerson` is the rate for a person active the whole
 * period; short tenures, churn and quiet weekends bring the mean to about 50 per person.
 */
export const sampleSizes = {
  xs: { accounts: 100, peoplePerAccount: 10, eventsPerPerson: 80 },
  s: { accounts: 10_000, peoplePerAccount: 10, eventsPerPerson: 80 },
  m: { accounts: 100_000, peoplePerAccount: 10, eventsPerPerson: 80 },
} as const;
export type SampleSize = keyof typeof sampleSizes;

/** Days of history the sample covers before its anchor. */
export const historyDays = 365;
const day = 86_400_000;

export interface SampleAccount {
  index: number;
  groupId: string;
  traits: Record<string, unknown>;
  /** When activity starts and (for churned or drifting accounts) fades out. */
  startsAt: number;
  fadesFrom: number | null;
  endsAt: number | null;
  people: SamplePerson[];
}

export interface SamplePerson {
  userId: string;
  traits: Record<string, unknown>;
  role: string;
  /** Relative activity; events are spread in proportion. */
  intensity: number;
  utcOffsetHours: number;
}

export interface SampleEvent {
  name: string;
  type: 'track' | 'page';
  at: number;
  properties: Record<string, unknown>;
}

/** mulberry32: tiny, fast and good enough for believable data; the same seed gives the same company. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const industries = [
  'Software',
  'FinTech',
  'Healthcare',
  'E-commerce',
  'Education',
  'Manufacturing',
  'Media',
  'Logistics',
  'Legal',
  'Real estate',
];
const regions = [
  { region: 'NA', country: 'US', timezone: 'America/New_York', offset: -5, language: 'en' },
  { region: 'NA', country: 'US', timezone: 'America/Los_Angeles', offset: -8, language: 'en' },
  { region: 'NA', country: 'CA', timezone: 'America/Toronto', offset: -5, language: 'en' },
  { region: 'EMEA', country: 'GB', timezone: 'Europe/London', offset: 0, language: 'en' },
  { region: 'EMEA', country: 'DE', timezone: 'Europe/Berlin', offset: 1, language: 'de' },
  { region: 'EMEA', country: 'FR', timezone: 'Europe/Paris', offset: 1, language: 'fr' },
  { region: 'APAC', country: 'AU', timezone: 'Australia/Sydney', offset: 10, language: 'en' },
  { region: 'APAC', country: 'JP', timezone: 'Asia/Tokyo', offset: 9, language: 'ja' },
  { region: 'LATAM', country: 'BR', timezone: 'America/Sao_Paulo', offset: -3, language: 'pt' },
] as const;
const plans = [
  { plan: 'free', weight: 0.2, seatPrice: 0 },
  { plan: 'starter', weight: 0.3, seatPrice: 15 },
  { plan: 'pro', weight: 0.3, seatPrice: 45 },
  { plan: 'enterprise', weight: 0.2, seatPrice: 90 },
] as const;
const syllables = ['ac', 'me', 'no', 'va', 'tri', 'lo', 'zen', 'qu', 'ar', 'ix', 'bel', 'sol', 'ka', 'ter', 'on', 'ra', 'vi', 'da'];
const suffixes = ['Labs', 'Systems', 'Group', 'Health', 'Analytics', 'Works', 'Logistics', 'Capital', 'Studio', 'Cloud'];
const firstNames = [
  'Ana',
  'Ben',
  'Chloe',
  'Dev',
  'Emma',
  'Farah',
  'Gus',
  'Hana',
  'Ivan',
  'Jun',
  'Kai',
  'Lena',
  'Mia',
  'Noah',
  'Omar',
  'Pia',
  'Ravi',
  'Sara',
  'Tom',
  'Uma',
  'Vic',
  'Wen',
  'Yara',
  'Zoe',
];
const lastNames = [
  'Garcia',
  'Smith',
  'Chen',
  'Müller',
  'Okafor',
  'Silva',
  'Kowalski',
  'Tanaka',
  'Dubois',
  'Patel',
  'Nguyen',
  'Rossi',
  'Kim',
  'Haddad',
  'Berg',
];
const roles = ['admin', 'manager', 'agent', 'analyst', 'developer', 'viewer'];
/** Features adopted over a person's first weeks: `halfLife` is the day by which half of people have started. */
const features = [
  { name: 'dashboards', halfLife: 2, weight: 5 },
  { name: 'reports', halfLife: 10, weight: 3 },
  { name: 'export', halfLife: 20, weight: 2 },
  { name: 'automations', halfLife: 35, weight: 1.5 },
  { name: 'integrations', halfLife: 45, weight: 1 },
  { name: 'api', halfLife: 60, weight: 0.8 },
];
const pages = ['/home', '/dashboards', '/reports', '/settings', '/billing', '/team', '/help'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Generates the accounts of a believable B2B SaaS company, one at a time, deterministic by seed
 * and anchor: plans, MRR, industries, regions, trials that convert or lapse, accounts that drift
 * into inactivity and churn, and people with roles and uneven activity.
 */
export function* generateAccounts(size: SampleSize, seed: number, anchor: number): Generator<SampleAccount> {
  const { accounts: count, peoplePerAccount } = sampleSizes[size];
  const random = createRandom(seed);
  let personIndex = 0;
  for (let index = 0; index < count; index++) {
    const name = `${syllables[Math.floor(random() * syllables.length)]!.toUpperCase()[0]}${pick(random, syllables)}${pick(random, syllables)} ${pick(random, suffixes)}`;
    const domain = `${name.toLowerCase().replace(/[^a-z]/g, '')}${index}.example`;
    const place = pick(random, regions);
    const signedUpAt = anchor - Math.floor(random() * historyDays * day);
    const ageDays = (anchor - signedUpAt) / day;
    const lifecycle = random();
    const inTrial = ageDays < 14 && lifecycle < 0.6;
    const lapsedTrial = !inTrial && lifecycle < 0.12;
    const churned = !inTrial && !lapsedTrial && lifecycle < 0.22 && ageDays > 45;
    const driftCandidate = !churned && !inTrial && lifecycle > 0.9;
    let planRoll = random();
    const plan = inTrial ? 'trial' : lapsedTrial ? 'free' : (plans.find((p) => (planRoll -= p.weight) < 0) ?? plans[0]).plan;
    const seats = plan === 'enterprise' ? 20 + Math.floor(random() * 180) : 2 + Math.floor(random() * 25);
    const seatPrice = plans.find((p) => p.plan === plan)?.seatPrice ?? 0;
    const mrr = churned ? 0 : Math.round(seats * seatPrice * (0.8 + random() * 0.4));
    let endsAt: number | null = null;
    let fadesFrom: number | null = null;
    if (churned) {
      endsAt = signedUpAt + (30 + random() * (ageDays - 30)) * day;
      fadesFrom = endsAt - (14 + random() * 45) * day;
    } else if (lapsedTrial) {
      endsAt = Math.min(anchor, signedUpAt + 14 * day);
      fadesFrom = signedUpAt + 5 * day;
    } else if (driftCandidate) {
      // A drifting account is a paying customer that used the product normally, faded out over 3
      // to 9 weeks and has been silent for the last 1 to 3 weeks while still paying: a change in
      // behaviour, not the quiet week any small account has. An account too young for that (two
      // weeks of normal use first) is not drifting; its draws are still taken, so the accounts
      // generated after it stay the same.
      const silentDays = 7 + random() * 14;
      const fadeDays = 21 + random() * 40;
      if (ageDays > silentDays + fadeDays + 14) {
        endsAt = anchor - silentDays * day;
        fadesFrom = endsAt - fadeDays * day;
      }
    }
    const traits: Record<string, unknown> = {
      name,
      domain,
      plan,
      mrr,
      arr: mrr * 12,
      seats,
      industry: pick(random, industries),
      region: place.region,
      country: place.country,
      timezone: place.timezone,
      signed_up_at: iso(signedUpAt),
      status: churned ? 'churned' : inTrial ? 'trialing' : lapsedTrial ? 'trial_expired' : 'active',
      is_trial: inTrial,
    };
    if (inTrial) traits['trial_ends_at'] = iso(signedUpAt + 14 * day);
    if (churned && endsAt) traits['churned_at'] = iso(endsAt);

    const people: SamplePerson[] = [];
    const headcount = Math.max(1, Math.round(peoplePerAccount * (0.3 + random() * 1.4)));
    for (let p = 0; p < headcount; p++) {
      personIndex++;
      const first = pick(random, firstNames);
      const last = pick(random, lastNames);
      const joinedAt = signedUpAt + Math.floor(random() * Math.max(1, Math.min(ageDays, 60)) * day);
      const role = p === 0 ? 'admin' : pick(random, roles);
      people.push({
        userId: `usr_${pad(personIndex, 7)}`,
        role,
        // A few power users do most of the work, as in every real product.
        intensity: p === 0 ? 2 : Math.exp((random() - 0.5) * 2.5),
        utcOffsetHours: place.offset,
        traits: {
          name: `${first} ${last}`,
          email: `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}.${personIndex}@${domain}`,
          title: role,
          timezone: place.timezone,
          language: place.language,
          signed_up_at: iso(joinedAt),
        },
      });
    }
    yield { index, groupId: `acc_${pad(index + 1, 6)}`, traits, startsAt: signedUpAt, fadesFrom, endsAt, people };
  }
}

/** Product events of one person of an account, with daily and weekly rhythms and feature adoption. */
export function* generateEvents(
  account: SampleAccount,
  person: SamplePerson,
  random: () => number,
  anchor: number,
  eventsPerPerson: number,
): Generator<SampleEvent> {
  const joined = Date.parse(person.traits['signed_up_at'] as string);
  const end = account.endsAt ?? anchor;
  if (end <= joined) return;
  const count = Math.round(eventsPerPerson * person.intensity * Math.min(1, (end - joined) / (120 * day)) + random());
  for (let i = 0; i < count; i++) {
    let at = joined + random() * (end - joined);
    // Activity fades towards churn: keep late events with falling probability.
    if (
      account.fadesFrom !== null &&
      at > account.fadesFrom &&
      random() < (at - account.fadesFrom) / Math.max(day, end - account.fadesFrom)
    ) {
      at = joined + random() * Math.max(0, account.fadesFrom - joined);
    }
    const localDayStart = Math.floor((at + person.utcOffsetHours * 3_600_000) / day) * day;
    const weekday = new Date(localDayStart).getUTCDay();
    if ((weekday === 0 || weekday === 6) && random() < 0.75) continue; // quiet weekends
    // Working hours peak mid-morning and mid-afternoon in the person's own timezone.
    const hour = random() < 0.5 ? 9 + random() * 3 : 13 + random() * 4;
    at = Math.min(anchor - 1000, localDayStart - person.utcOffsetHours * 3_600_000 + hour * 3_600_000 + random() * 3_600_000);
    if (at < joined) continue;
    const daysIn = (at - joined) / day;
    const roll = random();
    if (roll < 0.3) {
      yield { name: 'login', type: 'track', at, properties: { method: random() < 0.7 ? 'password' : 'sso' } };
    } else if (roll < 0.55) {
      yield { name: 'Page Viewed', type: 'page', at, properties: { path: pick(random, pages) } };
    } else if (roll < 0.9) {
      const adopted = features.filter((f) => random() < daysIn / (daysIn + f.halfLife));
      if (adopted.length === 0) continue;
      let weightRoll = random() * adopted.reduce((sum, f) => sum + f.weight, 0);
      const feature = adopted.find((f) => (weightRoll -= f.weight) < 0) ?? adopted[0]!;
      yield { name: 'feature_used', type: 'track', at, properties: { feature: feature.name, duration_s: Math.round(5 + random() * 600) } };
    } else if (roll < 0.95) {
      yield {
        name: 'report_exported',
        type: 'track',
        at,
        properties: { format: random() < 0.6 ? 'csv' : 'pdf', rows: Math.round(random() * 5000) },
      };
    } else if (roll < 0.98) {
      yield { name: 'invite_sent', type: 'track', at, properties: { role: pick(random, roles) } };
    } else {
      yield {
        name: 'settings_changed',
        type: 'track',
        at,
        properties: { setting: pick(random, ['notifications', 'sso', 'billing', 'theme']) },
      };
    }
  }
}
