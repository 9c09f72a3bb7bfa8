package dev.greenloom.crawler.dns;

/** The DNS record types greenloom looks up. */
public enum RecordType {
    A, AAAA, CNAME, MX, NS, TXT, SOA, PTR, SRV, CAA
}
