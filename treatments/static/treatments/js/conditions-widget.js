// The article's conditions: each condition picked in Wagtail's snippet chooser is added to the
// list as a hidden input named like the field; Remove takes it out. The chooser is then reset,
// ready for the next pick. No inline script, so the admin's Content-Security-Policy holds.
(function () {
  'use strict';

  function refresh(widget) {
    const empty = widget.querySelector('[data-conditions-empty]');
    empty.hidden = widget.querySelectorAll('[data-condition]').length > 0;
  }

  function add(widget, value, label) {
    const list = widget.querySelector('[data-conditions-chosen]');
    if (list.querySelector(`[data-condition="${CSS.escape(value)}"]`)) return;
    const item = document.createElement('li');
    item.className = 'w-flex w-items-center w-gap-2 w-mb-1';
    item.dataset.condition = value;
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = widget.dataset.name;
    input.value = value;
    const text = document.createElement('span');
    text.dataset.conditionLabel = '';
    text.textContent = label;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button button-small button-secondary';
    remove.dataset.conditionRemove = '';
    remove.textContent = 'Remove';
    item.append(input, text, remove);
    list.append(item);
    refresh(widget);
  }

  function bind(widget) {
    if (widget.dataset.conditionsBound) return;
    widget.dataset.conditionsBound = 'true';
    const picker = document.getElementById(widget.dataset.picker);
    const chooser = document.getElementById(`${widget.dataset.picker}-chooser`);
    widget.addEventListener('click', (event) => {
      const button = event.target.closest('[data-condition-remove]');
      if (!button) return;
      button.closest('[data-condition]').remove();
      refresh(widget);
    });
    if (!picker || !chooser) return;
    picker.addEventListener('change', () => {
      if (!picker.value) return;
      // The chooser writes its title just after announcing the change.
      setTimeout(() => {
        const title = chooser.querySelector('[data-chooser-title]');
        add(widget, picker.value, title ? title.textContent.trim() : picker.value);
        picker.setAttribute('value', '');
        picker.value = '';
        chooser.classList.add('blank');
      }, 0);
    });
  }

  function bindAll() {
    document.querySelectorAll('[data-conditions-widget]').forEach(bind);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', bindAll);
  } else {
    bindAll();
  }
})();
