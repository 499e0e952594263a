/*
 * A new campaign, or changes to one: name, area (province, district, subdistrict by name), villages with
 * their household targets, dates (Buddhist Era in Thai), the survey, the volunteers assigned. The API checks
 * everything; its problems are shown at the fields they concern, in the console's language, and nothing
 * typed is lost.
 */
/* global window */
import { api, ApiError } from '../api.js';
import { dateInput, parseDate } from '../date-input.js';
import { formProblems } from '../form-problems.js';
import { field, h, replace, select } from '../dom.js';
import { formatDate, formatNumber, t } from '../i18n.js';
import { areaName, districtOptions, provinceOptions, subdistrictOptions } from '../places.js';
import { state } from '../state.js';

/** LINE shows the volunteer at most 13 quick replies: 12 villages and "menu". */
const MAX_VILLAGES = 12;

let formCounter = 0;

export async function campaignForm({ campaign, toast, errorText }) {
  const editing = Boolean(campaign);
  const id = `cf${++formCounter}`;
  const title = editing
    ? t('campaigns.form.editTitle', { name: campaign.name })
    : t('campaigns.form.createTitle');
  const back = editing ? `#/campaigns/${encodeURIComponent(campaign.id)}` : '#/campaigns';

  // Each control has a slot: where its problem is shown, next to it.
  const slots = new Map();
  const slot = (key, wrapper, control) => {
    slots.set(key, { wrapper, control });
    return wrapper;
  };

  const name = h('input', {
    type: 'text',
    name: 'name',
    maxlength: 200,
    autocomplete: 'off',
    value: editing ? campaign.name : '',
  });

  // The area: chosen once, when the campaign is created (the API keeps it).
  const province = select('provinceCode', [['', t('campaigns.form.choose')], ...provinceOptions()], '');
  const district = select('districtCode', [['', t('campaigns.form.wholeProvince')]], '', { disabled: true });
  const subdistrict = select('subdistrictCode', [['', t('campaigns.form.wholeDistrict')]], '', {
    disabled: true,
  });
  const setOptions = (control, options) =>
    replace(
      control,
      options.map(([value, label]) => h('option', { value }, label)),
    );
  province.addEventListener('change', () => {
    setOptions(district, [['', t('campaigns.form.wholeProvince')], ...districtOptions(province.value)]);
    district.disabled = !province.value;
    setOptions(subdistrict, [['', t('campaigns.form.wholeDistrict')]]);
    subdistrict.disabled = true;
  });
  let asked = 0;
  district.addEventListener('change', async () => {
    const mine = ++asked;
    setOptions(subdistrict, [['', t('campaigns.form.wholeDistrict')]]);
    subdistrict.disabled = true;
    if (!district.value) return;
    try {
      const options = await subdistrictOptions(district.value);
      if (mine !== asked) return;
      setOptions(subdistrict, [['', t('campaigns.form.wholeDistrict')], ...options]);
      subdistrict.disabled = false;
    } catch (error) {
      if (mine === asked) showProblem('area.subdistrictCode', errorText(error));
    }
  });
  const area = editing
    ? h(
        'div',
        { class: 'field' },
        h('span', { class: 'label' }, t('campaigns.form.area')),
        h('p', { class: 'fixed', 'data-testid': 'campaign-area' }, areaName(campaign.area)),
        h('small', { class: 'hint' }, t('campaigns.form.areaFixed')),
      )
    : h(
        'fieldset',
        { class: 'group' },
        h('legend', {}, t('campaigns.form.area')),
        h(
          'div',
          { class: 'grid' },
          slot('area.provinceCode', field(t('campaigns.form.province'), province), province),
          slot('area.districtCode', field(t('campaigns.form.district'), district), district),
          slot('area.subdistrictCode', field(t('campaigns.form.subdistrict'), subdistrict), subdistrict),
        ),
      );

  // Villages with their targets; none: the whole area has one target.
  const rows = h('ol', { class: 'plain village-rows', 'data-testid': 'village-rows' });
  const total = h('p', { class: 'hint', 'aria-live': 'polite', 'data-testid': 'village-total' });
  const areaTarget = h('input', {
    type: 'number',
    name: 'target',
    min: 1,
    max: 100000,
    step: 1,
    inputmode: 'numeric',
    value: editing && campaign.villages.length === 0 ? String(campaign.target) : '',
  });
  const areaTargetField = field(t('campaigns.form.areaTarget'), areaTarget);
  const addVillage = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => addRow().name.focus() },
    t('campaigns.form.addVillage'),
  );
  const villageRows = () => [...rows.children];
  function renumber() {
    villageRows().forEach((row, i) => {
      const n = formatNumber(i + 1);
      row.querySelector('label[data-for=name]').textContent = t('campaigns.form.villageName', { n });
      row.querySelector('label[data-for=target]').textContent = t('campaigns.form.villageTarget', { n });
      row.querySelector('button').setAttribute('aria-label', t('campaigns.form.removeVillage', { n }));
    });
    const count = villageRows().length;
    addVillage.disabled = count >= MAX_VILLAGES;
    addVillage.title = count >= MAX_VILLAGES ? t('campaigns.form.maxVillages') : '';
    areaTargetField.hidden = count > 0;
    const sum = villageRows().reduce((s, row) => s + (Number(row.target.value) || 0), 0);
    total.textContent =
      count > 0 ? t('campaigns.form.total', { n: formatNumber(sum) }) : t('campaigns.form.noVillages');
  }
  function addRow(village = {}) {
    const rowId = `${id}-v${++formCounter}`;
    const villageName = h('input', {
      type: 'text',
      id: `${rowId}-name`,
      name: 'villageName',
      maxlength: 120,
      autocomplete: 'off',
      value: village.name || '',
    });
    const target = h('input', {
      type: 'number',
      id: `${rowId}-target`,
      name: 'villageTarget',
      min: 1,
      max: 100000,
      step: 1,
      inputmode: 'numeric',
      value: village.target ? String(village.target) : '',
    });
    target.addEventListener('input', renumber);
    const row = h(
      'li',
      { class: 'village-row', dataset: village.id ? { villageId: village.id } : {} },
      h('div', { class: 'field grow' }, h('label', { for: villageName.id, 'data-for': 'name' }), villageName),
      h('div', { class: 'field' }, h('label', { for: target.id, 'data-for': 'target' }), target),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary remove',
          onclick: () => {
            const next = row.nextElementSibling || row.previousElementSibling;
            row.remove();
            renumber();
            (next ? next.querySelector('input') : addVillage).focus();
          },
        },
        '✕',
      ),
    );
    row.name = villageName;
    row.target = target;
    rows.append(row);
    renumber();
    return row;
  }
  for (const village of editing ? campaign.villages : [{}]) addRow(village);
  const villages = h(
    'fieldset',
    { class: 'group', 'data-testid': 'villages' },
    h('legend', {}, t('campaigns.form.villages')),
    h('small', { class: 'hint' }, t('campaigns.form.villagesHint')),
    rows,
    h('div', { class: 'actions' }, addVillage),
    total,
    areaTargetField,
  );
  slot('villages', villages, villages);
  slot('target', villages, areaTarget);

  const startsOn = dateInput('startsOn', editing ? campaign.startsOn : '');
  const endsOn = dateInput('endsOn', editing ? campaign.endsOn : '');
  const dates = h(
    'div',
    { class: 'grid' },
    slot('startsOn', field(t('campaigns.form.startsOn'), startsOn, t('dates.hint')), startsOn),
    slot('endsOn', field(t('campaigns.form.endsOn'), endsOn, t('dates.hint')), endsOn),
  );

  const flows = state.meta.surveyFlows || ['household-survey'];
  const flow = select(
    'flowId',
    flows.map((f) => [f, t(`campaigns.flows.${f}`)]),
    editing ? campaign.flowId : flows[0],
    { disabled: editing },
  );

  // Volunteers: approved ones to tick; those assigned but no longer approved stay visible, to untick.
  const picks = h('ul', { class: 'plain volunteer-picks', 'data-testid': 'volunteer-picks' });
  const assigned = new Set(editing ? campaign.volunteers.map((v) => v.volunteerId) : []);
  const filter = h('input', { type: 'search', name: 'volunteerFilter', autocomplete: 'off' });
  // What a ticked volunteer gets: the menu entry from the first day, and no LINE message (pushes cost
  // money), so staff know to tell them.
  const notice = h('p', { class: 'hint', 'aria-live': 'polite', 'data-testid': 'volunteer-notice' });
  const volunteers = h(
    'fieldset',
    { class: 'group', 'data-testid': 'volunteers' },
    h('legend', {}, t('campaigns.form.volunteers')),
    h('small', { class: 'hint' }, t('campaigns.form.volunteersHint')),
    field(t('campaigns.form.volunteerFilter'), filter),
    picks,
    notice,
  );
  slot('volunteerIds', volunteers, filter);
  try {
    const { items } = await api('/api/volunteers?status=active');
    const active = new Set(items.map((v) => v.id));
    const gone = editing ? campaign.volunteers.filter((v) => !active.has(v.volunteerId)) : [];
    const choices = [
      ...items.map((v) => ({ id: v.id, name: v.name, detail: v.areas.map(areaName).join('; ') })),
      ...gone.map((v) => ({
        id: v.volunteerId,
        name: v.name || v.volunteerId,
        detail: t('campaigns.form.notActive'),
      })),
    ];
    if (choices.length === 0) picks.append(h('li', { class: 'empty' }, t('campaigns.form.noVolunteers')));
    for (const choice of choices) {
      const box = h('input', {
        type: 'checkbox',
        name: 'volunteerIds',
        value: choice.id,
        id: `${id}-vol-${choices.indexOf(choice)}`,
        checked: assigned.has(choice.id),
      });
      picks.append(
        h(
          'li',
          { dataset: { search: `${choice.name} ${choice.detail}`.toLowerCase() } },
          box,
          ' ',
          h(
            'label',
            { for: box.id },
            h('strong', {}, choice.name),
            choice.detail ? h('small', {}, ` · ${choice.detail}`) : null,
          ),
        ),
      );
    }
  } catch (error) {
    picks.append(h('li', { class: 'error' }, errorText(error)));
  }
  filter.addEventListener('input', () => {
    const words = filter.value.trim().toLowerCase();
    for (const li of picks.children) li.hidden = Boolean(words) && !(li.dataset.search || '').includes(words);
  });
  const ticked = () => [...picks.querySelectorAll('input[type=checkbox]:checked')].map((box) => box.value);
  function tellMenu() {
    const from = parseDate(startsOn.value);
    const to = parseDate(endsOn.value);
    // Bangkok's day, as the menus are given (a campaign that already runs: at once, when saved).
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const dates = from && to ? { from: formatDate(from, false), to: formatDate(to, false) } : null;
    notice.hidden = ticked().length === 0;
    notice.textContent = !dates
      ? t('campaigns.form.menuNoticeNoDates')
      : t(from <= today ? 'campaigns.form.menuNoticeNow' : 'campaigns.form.menuNotice', dates);
  }
  picks.addEventListener('change', tellMenu);
  for (const input of [startsOn, endsOn]) {
    input.addEventListener('input', tellMenu);
    input.addEventListener('change', tellMenu);
  }
  tellMenu();

  // Problems: a summary on top (announced), and each at its field.
  const problems = formProblems(t('campaigns.form.notSaved'));
  const showProblem = (key, message, at) => problems.show(message, at || slots.get(key));

  /** What a date field's problem is, from what is in it. */
  const dateProblem = (input, missingKey) => {
    if (!input.value.trim()) return t(missingKey);
    if (parseDate(input.value) === null) return t('dates.invalid');
    return null;
  };

  /** One problem of the API's list, in words, at its field. */
  function place(path) {
    const parts = path.split('.');
    if (parts[0] === 'name') return showProblem('name', t('campaigns.problem.name'));
    if (parts[0] === 'area') {
      const which = parts[1] || 'provinceCode';
      const key = { provinceCode: 'province', districtCode: 'district', subdistrictCode: 'subdistrict' }[
        which
      ];
      return showProblem(`area.${which}`, t(`campaigns.problem.${key || 'province'}`));
    }
    if (parts[0] === 'startsOn')
      return showProblem(
        'startsOn',
        dateProblem(startsOn, 'campaigns.problem.startsOn') || t('campaigns.problem.field'),
      );
    if (parts[0] === 'endsOn') {
      const typed = dateProblem(endsOn, 'campaigns.problem.endsOn');
      const before = parseDate(startsOn.value) && parseDate(endsOn.value) < parseDate(startsOn.value);
      return showProblem(
        'endsOn',
        typed || (before ? t('campaigns.problem.endsBefore') : t('campaigns.problem.field')),
      );
    }
    if (parts[0] === 'villages') {
      const row = villageRows()[Number(parts[1])];
      if (row) {
        const n = formatNumber(Number(parts[1]) + 1);
        const onTarget = parts[2] === 'target';
        const control = onTarget ? row.target : row.name;
        return showProblem(
          `villages.${parts[1]}.${onTarget ? 'target' : 'name'}`,
          t(onTarget ? 'campaigns.problem.villageTarget' : 'campaigns.problem.villageName', { n }),
          { wrapper: control.parentElement, control },
        );
      }
      return showProblem(
        'villages',
        t(villageRows().length > MAX_VILLAGES ? 'campaigns.form.maxVillages' : 'campaigns.problem.villages'),
      );
    }
    if (parts[0] === 'target') {
      const none = villageRows().length === 0;
      return showProblem(
        'target',
        t('campaigns.problem.target'),
        none ? { wrapper: areaTargetField, control: areaTarget } : slots.get('villages'),
      );
    }
    if (parts[0] === 'volunteerIds') return showProblem('volunteerIds', t('campaigns.problem.volunteers'));
    if (parts[0] === 'flowId')
      return showProblem('flowId', t('campaigns.problem.field'), slots.get('flowId'));
    return null;
  }

  function showError(error) {
    problems.clear();
    const details = (error instanceof ApiError && error.details) || {};
    if (error instanceof ApiError && error.code === 'invalid_request' && Array.isArray(details.problems)) {
      for (const problem of details.problems) place(problem.path);
      if (problems.summary.hidden) showProblem(null, errorText(error));
    } else if (error instanceof ApiError && error.code === 'unknown_area')
      showProblem(`area.${details.field || 'provinceCode'}`, t('campaigns.problem.unknownArea'));
    else if (error instanceof ApiError && error.code === 'outside_scope')
      showProblem('area.provinceCode', t('campaigns.problem.outsideScope'));
    else if (error instanceof ApiError && error.code === 'volunteer_not_active') {
      const refused = new Set(details.volunteerIds || []);
      const names = [...picks.querySelectorAll('input[type=checkbox]')]
        .filter((box) => refused.has(box.value))
        .map((box) => box.labels[0].querySelector('strong').textContent);
      showProblem(
        'volunteerIds',
        t('campaigns.problem.volunteerNotActive', { names: names.join(', ') || '—' }),
      );
    } else if (error instanceof ApiError && error.code === 'village_has_surveys')
      showProblem('villages', t('campaigns.problem.villageHasSurveys'));
    else showProblem(null, errorText(error));
    problems.focus();
  }

  /** What the form holds, as the API takes it. A date that is not one goes as typed: the API says so. */
  const dateValue = (input) => {
    const value = parseDate(input.value);
    return value === null ? input.value.trim() : value;
  };
  const number = (input) => (input.value.trim() === '' ? undefined : Number(input.value));
  const villageList = () =>
    villageRows().map((row) => ({
      ...(row.dataset.villageId ? { id: row.dataset.villageId } : {}),
      name: row.name.value,
      target: number(row.target),
    }));
  function createBody() {
    const list = villageList();
    return {
      name: name.value,
      area: {
        provinceCode: province.value,
        ...(district.value ? { districtCode: district.value } : {}),
        ...(subdistrict.value ? { subdistrictCode: subdistrict.value } : {}),
      },
      villages: list,
      ...(list.length === 0 ? { target: number(areaTarget) } : {}),
      startsOn: dateValue(startsOn),
      endsOn: dateValue(endsOn),
      flowId: flow.value,
      volunteerIds: ticked(),
    };
  }
  /** Only what changed: dates alone, villages alone, volunteers alone... */
  function changes() {
    const body = {};
    if (name.value !== campaign.name) body.name = name.value;
    const starts = dateValue(startsOn);
    const ends = dateValue(endsOn);
    if (starts !== campaign.startsOn) body.startsOn = starts;
    if (ends !== campaign.endsOn) body.endsOn = ends;
    const list = villageList();
    const before = campaign.villages.map(({ id: villageId, name: n, target }) => ({
      id: villageId,
      name: n,
      target,
    }));
    if (JSON.stringify(list) !== JSON.stringify(before)) body.villages = list;
    if (list.length === 0 && number(areaTarget) !== campaign.target) body.target = number(areaTarget);
    const now = ticked();
    if (now.length !== assigned.size || now.some((v) => !assigned.has(v))) body.volunteerIds = now;
    return body;
  }

  const submit = h(
    'button',
    { type: 'submit' },
    editing ? t('campaigns.form.save') : t('campaigns.form.create'),
  );
  const form = h(
    'form',
    {
      class: 'card campaign-form',
      novalidate: true,
      'data-testid': 'campaign-form',
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        try {
          if (editing) {
            const body = changes();
            if (Object.keys(body).length === 0) {
              toast(t('campaigns.form.nothingChanged'));
              window.location.hash = back;
              return;
            }
            await api(`/api/campaigns/${encodeURIComponent(campaign.id)}`, { method: 'PATCH', body });
            toast(t('campaigns.form.saved'));
            window.location.hash = back;
          } else {
            const created = await api('/api/campaigns', { method: 'POST', body: createBody() });
            toast(t('campaigns.form.created', { name: created.name }));
            window.location.hash = `#/campaigns/${encodeURIComponent(created.id)}`;
          }
        } catch (error) {
          showError(error);
        } finally {
          submit.disabled = false;
        }
      },
    },
    problems.summary,
    slot('name', field(t('campaigns.form.name'), name), name),
    area,
    villages,
    dates,
    slot(
      'flowId',
      field(t('campaigns.form.flow'), flow, editing ? null : t('campaigns.form.flowHint')),
      flow,
    ),
    volunteers,
    h(
      'div',
      { class: 'actions' },
      submit,
      h('a', { href: back, class: 'button secondary' }, t('campaigns.form.cancel')),
    ),
  );

  return h('section', { class: 'page' }, h('h1', {}, title), form);
}
