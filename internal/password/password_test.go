package password

import (
	"strings"
	"testing"
)

func TestHashAndCheck(t *testing.T) {
	h := Hash("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not an Argon2id PHC string", h)
	}
	if h == Hash("correct horse battery") {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"the right password matches", h, "correct horse battery", true},
		{"a wrong password does not", h, "correct horse battery!", false},
		{"an empty hash matches nothing", "", "", false},
		{"a malformed hash matches nothing", "$argon2id$v=19$m=x$a$b", "x", false},
		{"another algorithm matches nothing", "$bcrypt$v=19$m=1,t=1,p=1$YQ$YQ", "x", false},
		{"absurd parameters are refused", "$argon2id$v=19$m=99999999,t=1,p=1$YWJj$YWJj", "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Check(tt.hash, tt.password); got != tt.want {
				t.Fatalf("Check = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	f.Add(Hash("x"), "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		if len(hash) > 300 {
			return
		}
		Check(hash, pw) // never panics
	})
}
