/* One case: what the household told us, media, place, timeline, messages, and what staff may change. */
/* global window, L */
import { api, mediaUrl } from '../api.js';
import { dateInput } from '../date-input.js';
import { field, h, replace, select } from '../dom.js';
import { currentLanguage, formatDate, label, t } from '../i18n.js';
import { formatPhone } from '../phone.js';
import { state } from '../state.js';
import { priorityBadge, statusBadge } from './filters.js';

/** Steps the reporter may go untold of (the API refuses the rest): see case-service.ts. */
const QUIET_ALLOWED = ['reviewing', 'assessed', 'approved', 'in_progress'];

/** Whether a step reaches the reporter unless staff say otherwise (reporter-updates/policy.ts). */
function toldByDefault(from, to) {
  if (from === 'completed' && to === 'reviewing') return true;
  if (from === to) return true; // a new visit date
  return Boolean((state.meta.toldByDefault || {})[to]);
}
/** Why the personal data is gone: the person asked, or the retention rules took it. */
const ERASURE_WORDING = {
  person_request: 'case.erased',
  retention: 'case.erasedRetention',
  consent_withdrawn: 'case.erasedConsent',
};

const dl = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]),
  );

const masked = (c, value) => (c.masked ? h('span', { class: 'masked' }, t('case.masked')) : (value ?? '—'));

export async function render({ params, toast, errorText }) {
  const reference = params[0];
  const c = await api(`/api/cases/${encodeURIComponent(reference)}`);
  const reload = () => window.dispatchEvent(new window.HashChangeEvent('hashchange'));
  const run = async (what, call) => {
    try {
      await call();
      toast(t(`case.done.${what}`));
      reload();
    } catch (error) {
      toast(errorText(error), 'bad');
    }
  };

  const page = h(
    'article',
    { class: 'page case', 'data-reference': c.reference },
    h('p', {}, h('a', { href: '#/cases' }, '← ' + t('nav.cases'))),
    h(
      'header',
      { class: 'case-head' },
      h('h1', {}, c.reference),
      statusBadge(c.status),
      priorityBadge(c.priority),
      c.possibleDuplicateOf.length > 0
        ? h('span', { class: 'badge dup', role: 'note' }, '⚑ ' + t('case.duplicateFlag'))
        : null,
      c.duplicateOf
        ? h('span', { class: 'badge dup' }, t('case.duplicateOf', { reference: c.duplicateOf }))
        : null,
    ),
    c.erasedAt
      ? h(
          'p',
          { class: 'notice', role: 'note' },
          t(ERASURE_WORDING[c.erasureReason] || 'case.erased', { at: formatDate(c.erasedAt) }),
        )
      : null,
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        {},
        section(
          t('case.summary'),
          dl([
            [t('case.category'), label('category', c.category)],
            [t('case.place'), [c.province.district, c.province.name].filter(Boolean).join(', ') || '—'],
            [t('case.village'), masked(c, c.personal && c.personal.village)],
            [t('case.created'), formatDate(c.createdAt)],
            [t('case.visit'), c.visitDate ? formatDate(c.visitDate) : '—'],
            [t('case.assignee'), assigneeName(c.assigneeId)],
            c.declineReason ? [t('case.declineReason'), c.declineReason] : null,
          ]),
        ),
        section(
          t('case.household'),
          dl([
            [t('case.headName'), masked(c, c.personal && c.personal.headName)],
            [t('case.phone'), masked(c, c.personal && phoneLink(c.personal.phone))],
            [t('case.size'), answered(c, 'size', () => String(c.household.size))],
            [
              t('case.vulnerable'),
              answered(
                c,
                'vulnerable',
                () => c.household.vulnerable.map((v) => label('vulnerable', v)).join(', ') || '—',
              ),
            ],
            [t('case.tenure'), answered(c, 'tenure', () => label('tenure', c.household.tenure))],
            [t('case.missingAnswers'), c.missingAnswers.map((q) => label('question', q)).join(', ') || '—'],
            c.personal && c.personal.volunteerLineUserId
              ? [t('case.reportedBy'), t('case.byVolunteer')]
              : null,
          ]),
        ),
        section(
          t('case.answers'),
          h(
            'p',
            { class: 'description' },
            c.erasedAt ? t('case.erasedText') : masked(c, c.personal && c.personal.description),
          ),
          c.priority.partial
            ? h(
                'p',
                { class: 'hint' },
                t('case.priorityPartial', {
                  missing: c.priorityMissing.map((q) => label('question', q)).join(', '),
                }),
              )
            : null,
          c.priorityFactors.length > 0
            ? h(
                'ul',
                { class: 'factors', 'aria-label': t('case.factors') },
                c.priorityFactors.map((f) =>
                  h('li', {}, `${label('factor', f.key.replace(/^priority\.factor\./, ''))} (+${f.points})`),
                ),
              )
            : null,
        ),
        section(t('case.media'), mediaGallery(c)),
        section(t('case.location'), locationMap(c)),
        c.feedback && c.feedback.length > 0 ? section(t('case.feedback'), feedbackList(c)) : null,
      ),
      h(
        'div',
        {},
        actions(c, run),
        section(t('case.timeline'), timeline(c)),
        section(t('case.messages'), messages(c)),
      ),
    ),
  );
  return page;
}

const phoneLink = (phone) => (phone ? h('a', { href: `tel:${phone}` }, formatPhone(phone)) : null);

const section = (title, ...content) => h('section', { class: 'card' }, h('h2', {}, title), ...content);

function assigneeName(id) {
  if (!id) return t('case.unassigned');
  if (state.me && id === state.me.staff.id) return `${state.me.staff.name} (${t('case.you')})`;
  return id;
}

function mediaGallery(c) {
  if (c.masked) return h('p', { class: 'masked' }, t('case.mediaMasked'));
  if (c.media.length === 0) return h('p', { class: 'empty' }, t('case.noMedia'));
  const dialog = h('dialog', { class: 'viewer', 'aria-label': t('case.photo') });
  const list = h('ul', { class: 'gallery' });
  for (const [index, item] of c.media.entries()) {
    const li = h('li', {}, h('span', { class: 'loading' }, '…'));
    list.append(li);
    mediaUrl(item.url).then(
      (blob) => {
        if (item.kind === 'audio' || blob.type.startsWith('audio/')) {
          replace(li, h('audio', { controls: true, src: blob.url, 'aria-label': t('case.voice') }));
        } else if (item.kind === 'video' || blob.type.startsWith('video/')) {
          replace(li, h('video', { controls: true, src: blob.url, 'aria-label': t('case.video') }));
        } else {
          const alt = t('case.photoN', { n: index + 1 });
          replace(
            li,
            h(
              'button',
              {
                type: 'button',
                class: 'thumb',
                onclick: () => {
                  replace(
                    dialog,
                    h('img', { src: blob.url, alt }),
                    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, t('app.close'))),
                  );
                  dialog.showModal();
                },
              },
              h('img', { src: blob.url, alt, loading: 'lazy' }),
            ),
          );
        }
      },
      () => replace(li, h('span', { class: 'error' }, t('case.mediaFailed'))),
    );
  }
  return [list, dialog];
}

function locationMap(c) {
  const names = [c.personal && c.personal.village, c.province.district, c.province.name]
    .filter(Boolean)
    .join(', ');
  const point =
    c.personal && c.personal.lat !== null && c.personal.lng !== null
      ? [c.personal.lat, c.personal.lng]
      : null;
  const box = h('div', {
    class: 'map small',
    role: 'img',
    'aria-label': t('case.mapOf', { place: names || c.reference }),
  });
  if (point && window.L) {
    // Leaflet needs the element in the page to measure it.
    window.setTimeout(() => {
      const map = L.map(box, { scrollWheelZoom: false }).setView(point, 14);
      L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
        maxZoom: 19,
        attribution: '© OpenStreetMap',
      }).addTo(map);
      L.circleMarker(point, { radius: 9, color: '#7a2e00', fillColor: '#d9480f', fillOpacity: 0.9 }).addTo(
        map,
      );
    }, 0);
  }
  const shared = c.personal && c.personal.sharedPlace;
  return [
    h('p', {}, names || '—'),
    shared ? h('p', {}, t('case.sharedPlace', { place: shared })) : null,
    point
      ? box
      : h(
          'p',
          { class: c.masked ? 'masked' : 'empty' },
          c.masked ? t('case.pointMasked') : t('case.noPoint'),
        ),
    point ? h('p', { class: 'hint' }, `${point[0].toFixed(5)}, ${point[1].toFixed(5)}`) : null,
  ];
}

/** What the reporters said once the case was completed: a rating, a comment, "not solved". */
function feedbackList(c) {
  return h(
    'ul',
    { class: 'feedback', 'data-testid': 'feedback' },
    c.feedback.map((item) =>
      h(
        'li',
        {},
        h(
          'p',
          {},
          item.rating
            ? h(
                'strong',
                {},
                // The stars are for the eye; a screen reader reads "2/5".
                h('span', { 'aria-hidden': 'true' }, '★'.repeat(item.rating) + '☆'.repeat(5 - item.rating)),
                ' ',
                t('case.rating', { n: item.rating }),
              )
            : null,
          ' ',
          h('small', { class: 'hint' }, formatDate(item.at)),
        ),
        item.comment ? h('p', { class: 'description' }, item.comment) : null,
        item.reopenRequestedAt
          ? h('p', { class: 'notice' }, t('case.reopenRequested', { at: formatDate(item.reopenRequestedAt) }))
          : null,
      ),
    ),
  );
}

/** A household answer, or "not answered yet" while it is among the case's missing answers. */
function answered(c, question, show) {
  return c.missingAnswers.includes(question) ? t('case.notAnswered') : show();
}

function timeline(c) {
  return h(
    'ol',
    { class: 'timeline' },
    [...c.timeline].reverse().map((entry) =>
      h(
        'li',
        {},
        h('time', { datetime: entry.at }, formatDate(entry.at)),
        ' ',
        h('strong', {}, label('timeline', entry.kind)),
        entry.to ? [' → ', statusBadge(entry.to)] : null,
        entry.reference ? ` ${entry.reference}` : null,
        ` · ${label('actor', entry.actor)}`,
        entry.visibility
          ? // A status change kept internal is one the reporter was not sent a card for.
            ` · ${entry.kind === 'status_changed' && entry.visibility === 'internal' ? t('case.notTold') : label('visibility', entry.visibility)}`
          : null,
        entry.text
          ? h(
              'p',
              { class: 'note' },
              // Which household questions were answered: stored as codes, shown as the questions.
              entry.kind === 'household_answered'
                ? entry.text
                    .split(', ')
                    .map((q) => label('question', q))
                    .join(', ')
                : entry.text,
            )
          : null,
      ),
    ),
  );
}

function messages(c) {
  if (c.masked) return h('p', { class: 'masked' }, t('case.messagesMasked'));
  if (c.messages.length === 0) return h('p', { class: 'empty' }, t('case.noMessages'));
  return h(
    'ol',
    { class: 'messages', 'data-testid': 'messages' },
    c.messages.map((m) =>
      h(
        'li',
        { class: `bubble ${m.direction}` },
        h(
          'small',
          {},
          formatDate(m.at),
          ' · ',
          m.direction === 'out' ? t('case.sent') : t('case.received'),
          m.status ? ` · ${label('delivery', m.status)}` : null,
        ),
        h('p', {}, m.text ?? '—'),
      ),
    ),
  );
}

/** The card the reporter receives, from the same texts the service renders it with. */
function reporterPreview(c, status, extra, language) {
  const texts = (state.meta.reporterTexts || {})[language] || {};
  const fallback = (state.meta.reporterTexts || {}).th || {};
  const get = (path, vars = {}) => {
    const find = (tree) => path.split('.').reduce((node, part) => (node ? node[part] : undefined), tree);
    let value = find(texts) ?? find(fallback) ?? '';
    for (const [name, v] of Object.entries({
      reference: c.reference,
      other: extra.duplicateOf || '',
      ...vars,
    }))
      value = value.split(`{{${name}}}`).join(v);
    return value;
  };
  const base = `status.${status}`;
  return h(
    'div',
    { class: 'line-card', lang: language, 'data-testid': 'reporter-preview' },
    h('small', {}, get('card.reference')),
    h('strong', {}, get(`${base}.title`)),
    h('p', {}, get(`${base}.meaning`)),
    extra.visitDate
      ? h('p', { class: 'strong' }, get('card.visitDate', { date: visitText(extra.visitDate, language) }))
      : null,
    extra.reason ? h('p', {}, get('card.reason', { reason: extra.reason })) : null,
    h('hr'),
    h('small', {}, get('card.next')),
    h('p', {}, get(`${base}.next`)),
  );
}

function visitText(date, language) {
  const locale = language === 'th' ? 'th-TH-u-ca-buddhist' : language === 'en' ? 'en-GB' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Bangkok', dateStyle: 'long' }).format(
    new Date(`${date}T00:00:00+07:00`),
  );
}

function actions(c, run) {
  if (!state.can('cases.update') && !state.can('cases.notes')) return null;
  const forms = [];
  const next = state.meta.transitions[c.status] || [];

  if (state.can('cases.update') && (next.length > 0 || c.status === 'visit_scheduled')) {
    const options = c.status === 'visit_scheduled' ? [c.status, ...next] : next;
    const status = select(
      'status',
      options.map((s) => [s, label('status', s)]),
      options[0],
      { 'data-testid': 'next-status' },
    );
    const visitDate = dateInput('visitDate', c.visitDate);
    const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 1000 });
    const duplicateOf = h('input', {
      type: 'text',
      name: 'duplicateOf',
      pattern: 'NL-\\d{4}-\\d{6,}',
      placeholder: 'NL-2569-000123',
    });
    // The reporter gets the card in their language, so that is the preview shown first.
    const languages = [
      ['th', 'ไทย'],
      ['en', 'English'],
      ['hmn', 'Hmoob'],
    ];
    const reporterLanguage = languages.some(([code]) => code === c.language) ? c.language : null;
    const previewLanguage = select(
      'previewLanguage',
      languages.map(([code, name]) => [
        code,
        code === reporterLanguage ? t('case.reporterLanguage', { language: name }) : name,
      ]),
      reporterLanguage || currentLanguage(),
    );
    const preview = h('div', { class: 'preview', 'aria-live': 'polite' });
    // Each card the reporter gets may be a paid push: an intermediate step is quiet by default.
    const notify = h('input', {
      type: 'checkbox',
      name: 'notify',
      checked: toldByDefault(c.status, options[0]),
    });
    const notifyField = h(
      'div',
      { class: 'field check' },
      h('label', {}, notify, ' ', t('case.notifyReporter')),
      h('small', { class: 'hint' }, t('case.notifyHint')),
    );
    // What this step costs: a message of the month's LINE quota, or nothing.
    const cost = h('p', { class: 'hint', 'data-testid': 'notify-cost', 'aria-live': 'polite' });
    let chosen = status.value;
    const submit = h('button', { type: 'submit' }, t('case.saveStatus'));
    // A past date or a year typed wrong goes to the family as it is: say so before it is sent.
    // A live region present from the start, so a screen reader announces a warning when it appears.
    const visitWarning = h('div', { role: 'status' });
    const extras = {
      visit: field(t('case.visitDate'), visitDate, t('dates.hint')),
      reason: field(t('case.reason'), reason),
      duplicate: field(t('case.duplicateOfField'), duplicateOf),
    };
    const update = () => {
      // A new step starts from its own default; a tick the staff member changed stays for that step.
      if (status.value !== chosen) {
        chosen = status.value;
        notify.checked = toldByDefault(c.status, status.value);
      }
      extras.visit.hidden = status.value !== 'visit_scheduled';
      extras.reason.hidden = status.value !== 'declined';
      extras.duplicate.hidden = status.value !== 'duplicate';
      notifyField.hidden = !QUIET_ALLOWED.includes(status.value);
      const told = notifyField.hidden || notify.checked;
      preview.hidden = !told;
      const minutes = state.meta.notifyCoalesceMinutes || 0;
      replace(
        cost,
        !told ? t('case.costQuiet') : minutes > 0 ? t('case.costTold', { minutes }) : t('case.costToldNow'),
      );
      replace(submit, t(told ? 'case.saveStatus' : 'case.saveStatusQuiet'));
      visitDate.required = !extras.visit.hidden;
      reason.required = !extras.reason.hidden;
      duplicateOf.required = !extras.duplicate.hidden;
      // Only a date that will be sent: the same status and date change nothing and tell nobody.
      const sending = status.value !== c.status || visitDate.isoValue() !== c.visitDate;
      const warning = extras.visit.hidden || !sending ? null : visitDateWarning(visitDate.isoValue());
      replace(visitWarning, warning ? h('p', { class: 'notice' }, warning) : null);
      const extra = {
        visitDate: status.value === 'visit_scheduled' ? visitDate.isoValue() || '' : '',
        reason: status.value === 'declined' ? reason.value.trim() : '',
        duplicateOf: status.value === 'duplicate' ? duplicateOf.value.trim() : '',
      };
      const statusKey = status.value === c.status ? 'rescheduled' : status.value;
      replace(
        preview,
        h('p', { class: 'hint' }, t('case.previewIntro')),
        reporterPreview(c, statusKey, extra, previewLanguage.value),
      );
    };
    for (const control of [status, visitDate, reason, duplicateOf, previewLanguage, notify]) {
      control.addEventListener('input', update);
      control.addEventListener('change', update);
    }
    update();
    forms.push(
      h(
        'form',
        {
          class: 'card',
          'data-testid': 'status-form',
          onsubmit: (event) => {
            event.preventDefault();
            const body = { status: status.value };
            if (!extras.visit.hidden) body.visitDate = visitDate.isoValue();
            if (!extras.reason.hidden) body.reason = reason.value;
            if (!extras.duplicate.hidden) body.duplicateOf = duplicateOf.value.trim();
            // Said either way: the default is the server's, the box is what the staff member saw.
            if (!notifyField.hidden) body.notify = notify.checked;
            run('status', () => api(`/api/cases/${c.reference}`, { method: 'PATCH', body }));
          },
        },
        h('h2', {}, t('case.changeStatus')),
        field(t('case.newStatus'), status),
        extras.visit,
        visitWarning,
        extras.reason,
        extras.duplicate,
        notifyField,
        cost,
        field(t('case.previewLanguage'), previewLanguage),
        preview,
        submit,
      ),
    );
  }

  if (state.can('cases.update')) {
    const priority = select(
      'priority',
      state.meta.priorities.map((p) => [p, label('priority', p)]),
      c.priority.level,
    );
    const rows = [field(t('case.priority'), priority)];
    let assignee;
    if (state.can('cases.assign')) {
      assignee = h('input', {
        type: 'text',
        name: 'assigneeId',
        value: c.assigneeId || '',
        pattern: '[0-9a-fA-F]{24}',
        size: 26,
      });
      rows.push(
        field(t('case.assigneeId'), assignee, t('case.assigneeHint')),
        h(
          'button',
          { type: 'button', class: 'link', onclick: () => (assignee.value = state.me.staff.id) },
          t('case.assignMe'),
        ),
      );
      if (state.can('staff.manage'))
        api('/api/staff?active=true').then(
          (list) => {
            const picker = select(
              'assigneePick',
              [
                ['', '—'],
                ...list.items
                  .filter((s) => s.role !== 'viewer')
                  .map((s) => [s.id, `${s.name} (${label('roles', s.role)})`]),
              ],
              c.assigneeId || '',
            );
            picker.addEventListener('change', () => (assignee.value = picker.value));
            assignee.parentElement.after(field(t('case.pickStaff'), picker));
          },
          () => {},
        );
    }
    forms.push(
      h(
        'form',
        {
          class: 'card',
          onsubmit: (event) => {
            event.preventDefault();
            const body = {};
            if (priority.value !== c.priority.level) body.priority = priority.value;
            if (assignee && assignee.value.trim() !== (c.assigneeId || ''))
              body.assigneeId = assignee.value.trim() === '' ? null : assignee.value.trim();
            if (Object.keys(body).length === 0) return;
            run('saved', () => api(`/api/cases/${c.reference}`, { method: 'PATCH', body }));
          },
        },
        h('h2', {}, t('case.assignTitle')),
        rows,
        h('button', { type: 'submit' }, t('app.save')),
      ),
    );
  }

  if (state.can('cases.notes')) {
    const text = h('textarea', { name: 'text', rows: 3, required: true, maxlength: 5000 });
    const visibility = select(
      'visibility',
      [
        ['internal', label('visibility', 'internal')],
        ['reporter', label('visibility', 'reporter')],
      ],
      'internal',
    );
    forms.push(
      h(
        'form',
        {
          class: 'card',
          'data-testid': 'note-form',
          onsubmit: (event) => {
            event.preventDefault();
            run('note', () =>
              api(`/api/cases/${c.reference}/notes`, {
                method: 'POST',
                body: { text: text.value, visibility: visibility.value },
              }),
            );
          },
        },
        h('h2', {}, t('case.noteTitle')),
        field(t('case.noteText'), text),
        field(t('case.noteVisibility'), visibility, t('case.noteHint')),
        h('button', { type: 'submit' }, t('case.addNote')),
      ),
    );
  }

  if (state.can('cases.update')) {
    const files = h('input', {
      type: 'file',
      name: 'photos',
      accept: 'image/jpeg,image/png,image/gif,image/webp,image/heic',
      multiple: true,
      required: true,
    });
    forms.push(
      h(
        'form',
        {
          class: 'card',
          onsubmit: (event) => {
            event.preventDefault();
            run('photo', async () => {
              for (const file of files.files)
                await api(`/api/cases/${c.reference}/photos`, { method: 'POST', body: file });
            });
          },
        },
        h('h2', {}, t('case.photosTitle')),
        field(t('case.photosField'), files, t('case.photosHint')),
        h('button', { type: 'submit' }, t('case.upload')),
      ),
    );
  }

  if (c.possibleDuplicateOf.length > 0 && (state.can('cases.merge') || state.can('cases.update'))) {
    forms.push(
      h(
        'section',
        { class: 'card' },
        h('h2', {}, t('case.duplicatesTitle')),
        h(
          'ul',
          { class: 'plain' },
          c.possibleDuplicateOf.map((flag) =>
            h(
              'li',
              {},
              h('a', { href: `#/case/${flag.reference}` }, flag.reference),
              ' · ',
              flag.reasons.map((r) => label('dupReason', r)).join(', '),
              h(
                'div',
                { class: 'actions' },
                state.can('cases.merge')
                  ? [
                      h(
                        'button',
                        {
                          type: 'button',
                          onclick: () =>
                            confirmRun(
                              t('case.confirmMerge', { from: c.reference, into: flag.reference }),
                              () =>
                                run('merged', () =>
                                  api('/api/duplicates/merge', {
                                    method: 'POST',
                                    body: { from: c.reference, into: flag.reference },
                                  }),
                                ),
                            ),
                        },
                        t('case.mergeInto', { reference: flag.reference }),
                      ),
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'secondary',
                          onclick: () =>
                            confirmRun(
                              t('case.confirmMerge', { from: flag.reference, into: c.reference }),
                              () =>
                                run('merged', () =>
                                  api('/api/duplicates/merge', {
                                    method: 'POST',
                                    body: { from: flag.reference, into: c.reference },
                                  }),
                                ),
                            ),
                        },
                        t('case.mergeHere', { reference: flag.reference }),
                      ),
                    ]
                  : null,
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    onclick: () =>
                      run('dismissed', () =>
                        api('/api/duplicates/dismiss', {
                          method: 'POST',
                          body: { reference: c.reference, of: flag.reference },
                        }),
                      ),
                  },
                  t('case.dismiss'),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
  return h('div', { class: 'edit', 'data-testid': 'case-actions' }, forms);
}

function confirmRun(question, action) {
  if (window.confirm(question)) action();
}

const bangkokDay = (at) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Bangkok',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);

/** A visit date before today, or over a year ahead (often the year typed wrong), is worth a second look. */
function visitDateWarning(iso) {
  if (!iso) return null;
  const now = new Date();
  if (iso < bangkokDay(now)) return t('case.visitDatePast', { date: formatDate(iso, false) });
  const yearAhead = new Date(now.getTime() + 366 * 24 * 60 * 60 * 1000);
  if (iso > bangkokDay(yearAhead)) return t('case.visitDateFar', { date: formatDate(iso, false) });
  return null;
}
