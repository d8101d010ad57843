export { DoorsService } from './doors.service';
