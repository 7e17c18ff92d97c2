// The real node's own small programs: the two test images' binaries and an htpasswd line maker.
module pullpolicy.dev/test/nodeprograms

go 1.26.0

require golang.org/x/crypto v0.59.0
