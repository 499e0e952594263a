/* The case filter form, shared by the list, the map and the exports. */
import { dateInput } from '../date-input.js';
import { h, field, select } from '../dom.js';
import { label, t } from '../i18n.js';
import { provinceName, provinceOptions } from '../places.js';
import { state } from '../state.js';

const any = () => ['', t('filters.any')];

export function filterForm(onApply) {
  const current = state.filters;
  const { statuses, categories, priorities } = state.meta;
  const q = h('input', { type: 'search', name: 'q', value: current.q || '', maxlength: 100 });
  const status = select(
    'status',
    [any(), ...statuses.map((s) => [s, label('status', s)])],
    current.status || '',
  );
  const category = select(
    'category',
    [any(), ...categories.map((c) => [c, label('category', c)])],
    current.category || '',
  );
  const priority = select(
    'priority',
    [any(), ...priorities.map((p) => [p, label('priority', p)])],
    current.priority || '',
  );
  // One province by name; a list of codes kept from a link or an earlier filter stays choosable as it is.
  const several = current.province && !provinceOptions().some(([code]) => code === current.province);
  const province = select(
    'province',
    [
      any(),
      ...(several ? [[current.province, current.province.split(',').map(provinceName).join(', ')]] : []),
      ...provinceOptions(),
    ],
    current.province || '',
  );
  const assignee = select(
    'assignee',
    [any(), ['none', t('filters.unassigned')], [state.me.staff.id, t('filters.mine')]],
    current.assignee || '',
  );
  const from = dateInput('from', current.from);
  const to = dateInput('to', current.to);
  const read = () => ({
    q: q.value,
    status: status.value,
    category: category.value,
    priority: priority.value,
    province: province.value,
    assignee: assignee.value,
    from: from.isoValue() || '',
    to: to.isoValue() || '',
  });
  return h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': t('filters.label'),
      onsubmit: (event) => {
        event.preventDefault();
        if (!event.target.reportValidity()) return;
        state.filters = read();
        onApply(state.filters);
      },
    },
    field(t('filters.q'), q),
    field(t('filters.status'), status),
    field(t('filters.category'), category),
    field(t('filters.priority'), priority),
    field(t('filters.province'), province),
    field(t('filters.assignee'), assignee),
    field(t('filters.from'), from, t('dates.hint')),
    field(t('filters.to'), to, t('dates.hint')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, t('filters.apply')),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            state.filters = {};
            onApply({});
          },
        },
        t('filters.clear'),
      ),
    ),
  );
}

export const statusBadge = (status) =>
  h('span', { class: `badge status-${status}`, 'data-status': status }, label('status', status));

/** A score resting on partial household answers says so: it may rise once they are given. */
export const priorityBadge = (priority) =>
  h(
    'span',
    { class: `badge priority-${priority.level}`, title: `${t('case.score')}: ${priority.score}` },
    priority.partial
      ? `${label('priority', priority.level)} (${t('case.partial')})`
      : label('priority', priority.level),
  );
