/* The LINE rich menu under the chat: the menu's own image with a real button over each of its areas,
   collapsible with the chat bar as in the LINE app. Built with DOM calls only. */
/* global window, document, fetch */
'use strict';

(function () {
  // Tall enough to tap on a phone, small enough to leave the conversation room on a laptop.
  const MAX_WIDTH = '480px';
  const MAX_HEIGHT = '38dvh';

  /** An area's place in percent of the menu, so it follows the displayed width exactly. */
  function placement(bounds, size) {
    const percent = (part, whole) => (part / whole) * 100 + '%';
    return {
      left: percent(bounds.x, size.width),
      top: percent(bounds.y, size.height),
      width: percent(bounds.width, size.width),
      height: percent(bounds.height, size.height),
    };
  }

  /**
   * `root` holds the toggle and panel of index.html; `onTap(action)` does what LINE does for the
   * tapped area's action. Call `follow(userId, richMenuId)` with every poll: the menu is fetched
   * again only when the user or their menu changes.
   */
  function create(root, onTap) {
    const toggle = root.querySelector('#rich-menu-toggle');
    const chatBar = root.querySelector('#rich-menu-chat-bar');
    const panel = root.querySelector('#rich-menu-panel');
    const image = root.querySelector('#rich-menu-image');
    let shownKey = null;
    let menu = null;
    let shown = false;

    function setOpen(open) {
      toggle.setAttribute('aria-expanded', String(open));
      panel.hidden = !open;
    }

    function render(next) {
      menu = next;
      for (const area of panel.querySelectorAll('.rich-menu-area')) area.remove();
      if (!menu) {
        root.hidden = true;
        image.removeAttribute('src');
        return;
      }
      const { width, height } = menu.size;
      chatBar.textContent = menu.chatBarText;
      image.src = menu.imageUrl;
      panel.style.aspectRatio = width + ' / ' + height;
      panel.style.width =
        'min(100%, ' + MAX_WIDTH + ', calc(' + MAX_HEIGHT + ' * ' + width + ' / ' + height + '))';
      for (const area of menu.areas) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'rich-menu-area';
        button.setAttribute('aria-label', area.label);
        button.title = area.label;
        button.dataset.action = area.action.type;
        Object.assign(button.style, placement(area.bounds, menu.size));
        button.addEventListener('click', () => onTap(area.action));
        panel.append(button);
      }
      setOpen(menu.selected);
      root.hidden = !shown;
    }

    async function follow(userId, richMenuId) {
      const key = userId + ' ' + (richMenuId || '');
      if (key === shownKey) return;
      shownKey = key;
      if (!richMenuId) return render(null);
      const lang = encodeURIComponent(document.documentElement.lang);
      try {
        const response = await fetch('/sandbox/api/users/' + userId + '/richmenu?lang=' + lang);
        if (!response.ok) throw new Error('HTTP ' + response.status);
        const body = await response.json();
        // Another user or menu was chosen meanwhile: theirs wins.
        if (shownKey === key) render(body.richMenu);
      } catch {
        // The next poll tries again.
        if (shownKey === key) shownKey = null;
      }
    }

    /** LINE shows the menu only to friends of the account: not before "Add friend", not after a block. */
    function setShown(value) {
      shown = value;
      root.hidden = !shown || !menu;
    }

    toggle.addEventListener('click', () => setOpen(panel.hidden));
    return { follow, setShown };
  }

  window.NeedLineRichMenu = { create };
})();
