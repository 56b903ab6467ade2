/* baton-keygen --dnssec: a zone's DNSSEC key pair. */
#ifndef BATON_KEYGEN_DNSSEC_H
#define BATON_KEYGEN_DNSSEC_H

/* Runs `baton-keygen --dnssec ...` with the whole argv; returns the exit status. */
int keygen_dnssec(int argc, char **argv);

#endif
