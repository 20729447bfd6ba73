import type { DeviceType } from './user-agent.js';

export type ConnectionType = 'mobile' | 'broadband' | 'unknown';

// Free databases carry no connection type, so a handset on a network named like a carrier is the
// best available signal. `tim` is matched as a word: "Optimum" and "Timewarner" are not TIM.
const CARRIER =
  /mobile|wireless|cellular|telecom|telekom|telefonica|vodafone|verizon|at&t|orange|movistar|claro|\btim\b|airtel|jio|telcel|telstra|\bmtn\b|safaricom|viettel|beeline|megafon|ooredoo|etisalat|indosat|telkomsel/i;

export function connectionType(deviceType: DeviceType, isp: string): ConnectionType {
  if (isp === '') return 'unknown';
  if ((deviceType === 'mobile' || deviceType === 'tablet') && CARRIER.test(isp)) return 'mobile';
  return 'broadband';
}
