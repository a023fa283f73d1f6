module layoutmap

go 1.26.3

require github.com/paulmach/orb v0.14.0

require (
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/paulmach/protoscan v0.2.1 // indirect
	go.mongodb.org/mongo-driver/v2 v2.5.0 // indirect
)
