import { useOutletContext } from 'react-router';
import type { Me } from '../lib/api';

/** The signed-in user, inside the console layout (which only renders for a signed-in, unrestricted user). */
export function useCurrentUser(): Me {
  return useOutletContext<Me>();
}
