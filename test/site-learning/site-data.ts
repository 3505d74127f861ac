/**
 * A generated moderation history of a news site whose standard differs from the general model's: its
 * moderators reject comments that call people "sprocketeers" or "glimmerfolk" (local slurs the general
 * model never saw, written politely), and approve heated but civil argument. Deterministic (seeded).
 */
import type { SiteLabel } from '../../src/site-learning/types';

/** The site's own slurs; the general model does not know them. */
export const SLURS = ['sprocketeers', 'glimmerfolk'];

const TOPICS = ['harbour plan', 'bus lanes', 'school budget', 'library hours', 'water rates', 'stadium deal', 'housing levy', 'bike path'];
const CIVIL = [
  'I think the {t} deserves a proper debate before the vote.',
  'The council got the {t} wrong, and the numbers in this article show why.',
  'Has anyone costed the {t}? The article does not say.',
  'I strongly disagree with the mayor on the {t}, it will hurt small shops.',
  'Good reporting on the {t}, thanks for laying out both sides.',
  'The {t} is a waste of money and the councillors should be ashamed of it.',
  'My neighbours and I will vote against the {t} next spring.',
  'This is the third article on the {t} and still nobody asks the residents.',
];
const SLURRING = [
  'Of course the {s} from the east side want the {t}, they always do.',
  'The {t} only helps the {s}, as usual.',
  'Keep the {s} away from the {t} meetings, please.',
  'Typical {s} behaviour, pushing the {t} on the rest of us.',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `articles` articles with `perArticle` labelled comments each; about a third use a slur and are rejected. */
export function siteHistory(articles: number, perArticle: number, seed = 7, idPrefix = 'h'): SiteLabel[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const labels: SiteLabel[] = [];
  for (let a = 0; a < articles; a++) {
    const topic = TOPICS[a % TOPICS.length];
    for (let c = 0; c < perArticle; c++) {
      const slurring = random() < 0.33;
      const template = slurring ? pick(SLURRING) : pick(CIVIL);
      const body = template.replace('{t}', topic).replace('{s}', pick(SLURS)) + (random() < 0.5 ? ' ' + pick(CIVIL).replace('{t}', pick(TOPICS)) : '');
      labels.push({ id: `${idPrefix}-${a}-${c}`, body, label: slurring ? 'rejected' : 'approved', articleId: `art-${idPrefix}-${a}`, source: 'import' });
    }
  }
  return labels;
}
