// The satisfaction surveys (社会满意度调查) of a district for a period, as the API publishes them: each survey on its own
// (never summed, so no withheld count comes back by subtraction), counts below 5 withheld, no free text. Used by the
// annual report (GET /api/v1/surveys/results?district=…&from=…&to=…) and the evaluations (their satisfactionSurvey).
import { tx, el, num, longDate } from './coverage.js';
import { getLang } from './i18n.js';

/** One survey's rating questions: the count of each point, "does not apply", answers and mean. */
function surveyTable(survey) {
  const cell = (n) => (n == null ? tx('rp_surveyWithheld') : num(n, 0));
  const ratings = survey.questions.filter((q) => q.kind === 'rating');
  return el('table', { class: 'figures survey-results', 'data-survey-id': String(survey.surveyId) },
    el('caption', { class: 'visually-hidden', text: survey.title }),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: tx('rp_surveyQuestion') }),
      ...[1, 2, 3, 4, 5].map((p) => el('th', { scope: 'col', class: 'num', text: String(p) })),
      el('th', { scope: 'col', class: 'num', text: tx('rp_surveyNotUsed') }),
      el('th', { scope: 'col', class: 'num', text: tx('rp_surveyAnswers') }),
      el('th', { scope: 'col', class: 'num', text: tx('rp_surveyMean') }))),
    el('tbody', {}, ...ratings.map((q) => el('tr', { 'data-question': q.id },
      el('th', { scope: 'row', text: getLang() === 'en' ? q.en : q.zh }),
      ...[1, 2, 3, 4, 5].map((p) => el('td', { class: 'num', text: cell(q.distribution?.[String(p)]) })),
      el('td', { class: 'num', text: cell(q.notUsed) }),
      el('td', { class: 'num', text: cell(q.answers) }),
      el('td', { class: 'num', text: q.mean == null ? tx('rp_surveyWithheld') : num(q.mean, 2) })))));
}

/** The section's content for results { surveys: [...] } (null: none could be read). */
export function surveyContent(results) {
  const surveys = results?.surveys || [];
  if (surveys.length === 0) return [el('p', { id: 'surveys-none', text: tx('rp_surveysNone') })];
  return [
    ...surveys.flatMap((s) => [
      el('h3', { text: tx('rp_surveyHead', { title: s.title, from: longDate(new Date(`${s.opensOn}T04:00:00Z`)), to: longDate(new Date(`${s.closesOn}T04:00:00Z`)) }) }),
      s.published
        ? el('p', { text: tx('rp_surveyResponses', { n: s.responses == null ? tx('rp_surveyWithheld') : num(s.responses, 0) }) })
        : el('p', { text: tx('rp_surveyNotPublished') }),
      s.published ? el('div', { class: 'table-wrap' }, surveyTable(s)) : null,
    ].filter(Boolean)),
    el('p', { class: 'report-note', text: tx('rp_surveyRule') }),
  ];
}
