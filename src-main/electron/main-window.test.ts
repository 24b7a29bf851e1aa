import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { askBeforeUnload, LEAVE_QUESTION, loginWindowTitle, revealWhenReady } from './main-window.ts';

/** Behaves like BrowserWindow on Windows and Linux: maximize() also shows a hidden window. */
class FakeWindow extends EventEmitter {
  visible = false;
  maximized = false;
  destroyed = false;
  /** What a person sees at each moment: 'blank' while visible before the page painted. */
  seen: string[] = [];
  painted = false;
  maximize(): void {
    this.maximized = true;
    this.show();
  }
  show(): void {
    this.visible = true;
    this.seen.push(this.painted ? 'page' : 'blank');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  paint(): void {
    this.painted = true;
    this.emit('ready-to-show');
  }
}

describe('revealWhenReady', () => {
  it('a restored maximized window stays hidden until the page painted, then shows maximized (no blank flash)', () => {
    const win = new FakeWindow();
    revealWhenReady(win, true);
    expect(win.visible).toBe(false);
    win.paint();
    expect([win.visible, win.maximized]).toEqual([true, true]);
    expect(win.seen).not.toContain('blank');
  });

  it('a normal window shows once, unmaximized; a window closed before painting is left alone', () => {
    const win = new FakeWindow();
    revealWhenReady(win, false);
    win.paint();
    expect([win.visible, win.maximized, win.seen]).toEqual([true, false, ['page']]);
    const closed = new FakeWindow();
    revealWhenReady(closed, true);
    closed.destroyed = true;
    closed.paint();
    expect(closed.visible).toBe(false);
  });
});

describe('loginWindowTitle', () => {
  it('on macOS points passkey / Touch ID sign-ins to the system browser (no platform authenticator in an unsigned app)', () => {
    expect(loginWindowTitle('SAML JIT Lab', 'darwin')).toMatch(/Passkey or Touch ID\? Use Login › Sign In in the System Browser/);
    expect(loginWindowTitle('SAML JIT Lab', 'win32')).toBe('Sign in — SAML JIT Lab');
    expect(loginWindowTitle('SAML JIT Lab', 'linux')).toBe('Sign in — SAML JIT Lab');
  });
});

describe('askBeforeUnload', () => {
  /** Like WebContents: a page whose beforeunload asks to stay emits will-prevent-unload; the page unloads only if a
   * listener calls preventDefault (otherwise the window silently stays open). */
  class FakeContents extends EventEmitter {
    unloadWithEdits(): 'unloaded' | 'stayed' {
      let ignored = false;
      this.emit('will-prevent-unload', { preventDefault: () => (ignored = true) });
      return ignored ? 'unloaded' : 'stayed';
    }
  }

  it('asks the question; Leave closes the window, Stay keeps it and its edits', () => {
    const contents = new FakeContents();
    const answers = [LEAVE_QUESTION.buttons.indexOf('Leave'), LEAVE_QUESTION.buttons.indexOf('Stay')];
    let asked = 0;
    askBeforeUnload(contents, () => {
      asked += 1;
      return answers.shift() === 0;
    });
    expect(contents.unloadWithEdits()).toBe('unloaded');
    expect(contents.unloadWithEdits()).toBe('stayed');
    expect(asked).toBe(2);
    // Escape or closing the box is Stay: the edits are never dropped without a Leave.
    expect(LEAVE_QUESTION.buttons[LEAVE_QUESTION.cancelId]).toBe('Stay');
    expect(LEAVE_QUESTION.buttons[LEAVE_QUESTION.defaultId]).toBe('Stay');
  });

  it('without the shell listening, the window would silently stay open (why the shell asks)', () => {
    expect(new FakeContents().unloadWithEdits()).toBe('stayed');
  });
});
