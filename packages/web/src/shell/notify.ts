import { notifications } from '@mantine/notifications';

/** A toast whose close button says what it does (Mantine's has no label of its own). */
export function notify(options: { title: string; message: string; color?: string }): void {
  notifications.show({ ...options, closeButtonProps: { 'aria-label': 'Dismiss the notification' } });
}
