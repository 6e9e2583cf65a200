DROP TABLE unit_credentials;
DROP TABLE certificates;
DROP TABLE pki_cas;
