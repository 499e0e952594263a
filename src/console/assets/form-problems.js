/*
 * What is wrong with a form, said twice: a summary on top (announced and focused) and each problem at its
 * field, the field marked invalid and described by it. Nothing the person typed is touched.
 */
import { h, replace } from './dom.js';

let counter = 0;

export function formProblems(heading) {
  const summary = h('div', { class: 'form-problems', role: 'alert', tabindex: -1, hidden: true });
  const shown = new Set();
  let marks = [];
  return {
    summary,
    /** Shows `message` once, in the summary and, given one, at `wrapper`, marking `control`. */
    show(message, { wrapper, control } = {}) {
      if (shown.has(message)) return;
      shown.add(message);
      if (summary.hidden) {
        summary.hidden = false;
        replace(summary, h('p', {}, h('strong', {}, heading)), h('ul', {}));
      }
      summary.querySelector('ul').append(h('li', {}, message));
      if (!wrapper) return;
      const note = h('p', { class: 'field-error', id: `problem-${++counter}` }, message);
      wrapper.append(note);
      const mark = { note, control, describedBy: control ? control.getAttribute('aria-describedby') : null };
      if (control) {
        const earlier = marks.find((m) => m.control === control);
        if (earlier) mark.describedBy = earlier.describedBy;
        control.setAttribute('aria-invalid', 'true');
        const described = control.getAttribute('aria-describedby');
        control.setAttribute('aria-describedby', described ? `${described} ${note.id}` : note.id);
      }
      marks.push(mark);
    },
    clear() {
      summary.hidden = true;
      replace(summary);
      shown.clear();
      for (const { note, control, describedBy } of marks) {
        note.remove();
        if (!control) continue;
        control.removeAttribute('aria-invalid');
        if (describedBy) control.setAttribute('aria-describedby', describedBy);
        else control.removeAttribute('aria-describedby');
      }
      marks = [];
    },
    focus() {
      summary.focus();
    },
  };
}
