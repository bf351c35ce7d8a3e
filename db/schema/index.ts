// The one barrel: drizzle-kit and the db client need every table in one place. App code imports the file it means.
export * from './enums';
export * from './projects';
export * from './catalog';
export * from './series';
export * from './runs';
export * from './anomalies';
export * from './alerts';
export * from './audit';
