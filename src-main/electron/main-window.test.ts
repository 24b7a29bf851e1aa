import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { loginWindowTitle, revealWhenReady } from './main-window.ts';

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
