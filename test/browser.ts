import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium, as our machines and CI have it. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Chromium features switched off. Chromium reads only the last `--disable-features`, and
 * Playwright passes one of its own before ours, so ours repeats playwright-core's list (1.65)
 * and adds the omnibox's popup: headless Chromium builds it as a WebUI page in every new window,
 * about 1.5 s of CPU for each browser context a test opens, most of a blank context's cost on
 * this machine (2.0-3.0 s with it, 0.6-0.8 s without).
 */
const disabledFeatures = [
  // playwright-core's own
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  // ours: no page of the omnibox's popup in windows nobody sees
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
]

/** Headless, and quiet: nothing of its own goes over the network while it is measured or tested. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  `--disable-features=${disabledFeatures.join(',')}`,
]

/** Debian's Chromium, headless, driven by playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
}
