package parser

import "strings"

// SplitQualifiedName splits a dotted name as regclass input reads it
// (schema.rel, "Quoted".x) into identifiers, unquoting quoted parts and
// folding the others to lower case; nil when malformed.
func SplitQualifiedName(name string) []string {
	var parts []string
	for len(name) > 0 {
		var part string
		if name[0] == '"' {
			var b strings.Builder
			i := 1
			for ; i < len(name); i++ {
				if name[i] == '"' {
					if i+1 < len(name) && name[i+1] == '"' {
						b.WriteByte('"')
						i++
						continue
					}
					break
				}
				b.WriteByte(name[i])
			}
			if i >= len(name) {
				return nil
			}
			part, name = b.String(), name[i+1:]
		} else {
			j := strings.IndexByte(name, '.')
			if j < 0 {
				j = len(name)
			}
			part, name = strings.ToLower(strings.TrimSpace(name[:j])), name[j:]
		}
		if part == "" {
			return nil
		}
		parts = append(parts, part)
		if len(name) > 0 {
			if name[0] != '.' || len(name) == 1 {
				return nil
			}
			name = name[1:]
		}
	}
	return parts
}
