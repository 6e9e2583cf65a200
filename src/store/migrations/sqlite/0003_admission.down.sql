DROP TABLE unit_bootstrap;
