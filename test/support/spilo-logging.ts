/**
 * Spilo 4.0-p3's logging settings: the local `postgresql.parameters` of its template
 * (postgres-appliance/scripts/configure_spilo.py TEMPLATE, without LOG_SHIP_HOURLY) and the
 * `log_line_prefix` of its bootstrap DCS parameters. pgmeta's rendered values are merged over them,
 * as Spilo's `deep_update` merges SPILO_CONFIGURATION over the template.
 */
export const SPILO_LOGGING: Readonly<Record<string, string>> = {
  logging_collector: 'on',
  log_destination: 'csvlog',
  log_directory: '../pg_log',
  log_filename: 'postgresql-%u.log',
  log_file_mode: '0644',
  log_rotation_age: '1d',
  log_truncate_on_rotation: 'on',
  log_line_prefix: '%t [%p]: [%l-1] %c %x %d %u %a %h ',
};
